"""Use cases of the competition (SOP 6–13), offers included, on the in-memory unit of work."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from competition.application import competitions as use
from competition.application import offers, queries, results
from competition.application.auto_evaluation import evaluate_due_competitions
from competition.domain import competition as cp
from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    Conflict,
    Forbidden,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)

from .world import NOW, OFFICIAL, PPK, RULES, STRANGER, World, terms


class TestCreateCompetition:
    async def test_an_accepted_request_gets_a_draft_competition(self, world: World):
        request_id = await world.accepted()
        outcome = await use.create_competition(
            world.uow, world.asks(OFFICIAL), request_id, "specification", None, "laptop"
        )
        assert outcome.created and outcome.body["state"] == "draft"
        steps = [(h.aggregate, h.action, h.sop_step) for h in world.store.history[-2:]]
        assert steps == [
            ("purchase_request", "start_competition", "6"),
            ("competition", "create", "7"),
        ]

    async def test_a_request_not_accepted_is_a_conflict(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(ActionNotAllowed):
            await use.create_competition(
                world.uow, world.asks(OFFICIAL), request_id, "specification", None, "laptop"
            )
        assert world.unchanged(before)

    async def test_a_ppk_may_not_start_a_competition(self, world: World):
        request_id = await world.accepted()
        with pytest.raises(RoleNotAllowed):
            await use.create_competition(
                world.uow, world.asks(PPK), request_id, "specification", None, "laptop"
            )


class TestEditAndOpenCompetition:
    async def test_the_pagu_cannot_exceed_the_requests(self, world: World):
        competition_id = await world.competition()
        before = world.snapshot()
        with pytest.raises(RuleViolation):
            await use.edit_competition(
                world.uow, world.asks(OFFICIAL), competition_id, {"pagu": 10**12}, RULES
            )
        assert world.unchanged(before)

    async def test_the_items_cannot_ask_for_more_than_the_request(self, world: World):
        competition_id = await world.competition()
        before = world.snapshot()
        current = world.store.table("competitions")[competition_id][0].items
        more = [replace(current[0], quantity=current[0].quantity + 1)]
        with pytest.raises(RuleViolation) as refused:
            await use.edit_competition(
                world.uow, world.asks(OFFICIAL), competition_id, {"items": more}, RULES
            )
        assert refused.value.errors[0]["field"] == "items.0.quantity"
        assert "message_id" in refused.value.errors[0]
        unknown = [replace(current[0], line_no=len(current) + 1)]
        with pytest.raises(RuleViolation) as refused:
            await use.edit_competition(
                world.uow, world.asks(OFFICIAL), competition_id, {"items": unknown}, RULES
            )
        assert refused.value.errors[0]["field"] == "items.0.line_no"
        assert world.unchanged(before)
        fewer = [replace(current[0], quantity=1)]
        done = await use.edit_competition(
            world.uow, world.asks(OFFICIAL), competition_id, {"items": fewer}, RULES
        )
        assert done.body["items"][0]["quantity"] == 1

    async def test_the_delivery_deadline_is_neither_past_nor_years_ahead(self, world: World):
        competition_id = await world.competition()
        for deadline in (date(2020, 1, 1), date(2035, 1, 1)):
            with pytest.raises(RuleViolation) as refused:
                await use.edit_competition(
                    world.uow,
                    world.asks(OFFICIAL),
                    competition_id,
                    {"delivery_deadline": deadline},
                    RULES,
                )
            assert refused.value.errors[0]["field"] == "delivery_deadline"

    async def test_edit_is_step_8_and_a_stale_version_is_refused(self, world: World):
        competition_id = await world.competition()
        done = await use.edit_competition(
            world.uow, world.asks(OFFICIAL, if_match=1), competition_id, {"pagu": 90_000_000}, RULES
        )
        assert done.body["version"] == 2 and world.store.history[-1].sop_step == "8"
        before = world.snapshot()
        with pytest.raises(StaleVersion):
            await use.edit_competition(
                world.uow, world.asks(OFFICIAL, if_match=1), competition_id, {"pagu": 1}, RULES
            )
        assert world.unchanged(before)

    async def test_opening_names_the_eligible_vendors_in_its_event(self, world: World):
        vendor, _ = await world.vendor("Andalas")
        competition_id = await world.competition()
        deadline = NOW + timedelta(days=2)
        outcome = await use.open_competition(
            world.uow, world.asks(OFFICIAL), competition_id, deadline, RULES
        )
        assert outcome.body["state"] == "open"
        event = world.store.events[-1]
        assert event.type == "competition.competition_opened.v1" and event.sopstep == "9"
        assert event.data["eligible_vendor_ids"] == [str(vendor.vendor_id)]

    async def test_a_past_deadline_is_refused(self, world: World):
        competition_id = await world.competition()
        before = world.snapshot()
        with pytest.raises(RuleViolation):
            await use.open_competition(world.uow, world.asks(OFFICIAL), competition_id, NOW, RULES)
        assert world.unchanged(before)


class TestOffers:
    async def test_a_vendor_submits_revises_and_withdraws(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        made = await offers.submit_offer(
            world.uow, world.asks(vendor), competition_id, terms(product), RULES
        )
        assert made.created and made.body["evaluated_price"] == 50_500_000
        assert world.store.events[-1].type == "competition.offer_submitted.v1"
        assert "unit_price" not in str(world.store.events[-1].data)  # sealed: no price
        revised = await offers.revise_offer(
            world.uow,
            world.asks(vendor, if_match=1),
            competition_id,
            terms(product, 4_000_000),
            RULES,
        )
        assert revised.body["revision"] == 2
        await offers.withdraw_offer(
            world.uow, world.asks(vendor, if_match=2), competition_id, RULES
        )
        entry = world.store.history[-1]
        assert (entry.action, entry.to_state, entry.sop_step) == (
            "withdraw_offer",
            "withdrawn",
            "10",
        )

    async def test_a_second_offer_is_a_conflict_and_a_stale_revision_is_refused(self, world):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        await world.offered(vendor, product, competition_id)
        before = world.snapshot()
        with pytest.raises(Conflict):
            await world.offered(vendor, product, competition_id)
        with pytest.raises(StaleVersion):
            await offers.revise_offer(
                world.uow, world.asks(vendor, if_match=5), competition_id, terms(product), RULES
            )
        assert world.unchanged(before)

    async def test_a_price_above_the_catalogue_is_refused(self, world: World):
        vendor, product = await world.vendor(price=1_000)
        competition_id = await world.opened()
        before = world.snapshot()
        with pytest.raises(RuleViolation):
            await world.offered(vendor, product, competition_id)
        assert world.unchanged(before)

    async def test_a_blacklisted_vendor_is_barred(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        world.store.table("blacklist")["e"] = {
            "entry_id": "e",
            "vendor_id": vendor.vendor_id,
            "starts_on": NOW.date(),
        }
        with pytest.raises(Forbidden):
            await world.offered(vendor, product, competition_id)

    async def test_a_vendor_not_eligible_does_not_see_the_competition(self, world: World):
        competition_id = await world.opened()
        late, product = await world.vendor("Late")
        with pytest.raises(NotFound):
            await world.offered(late, product, competition_id)

    async def test_offers_close_at_the_deadline(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        world.clock.advance(days=2)
        with pytest.raises(ActionNotAllowed):
            await world.offered(vendor, product, competition_id)


class TestEvaluatePublishGenerate:
    async def test_evaluation_ranks_publishes_and_hands_the_package_over(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.evaluated(vendor, product)
        assert world.store.events[-1].type == "competition.competition_succeeded.v1"
        assert world.store.history[-1].sop_step == "11"
        await results.publish_competition(world.uow, world.asks(OFFICIAL), competition_id)
        assert world.store.events[-1].sopstep == "12"
        done = await results.generate_package(world.uow, world.asks(OFFICIAL), competition_id)
        assert done.body["state"] == "package_generated"
        assert done.body["package"]["vendor"]["id"] == str(vendor.vendor_id)
        assert world.store.events[-1].type == "competition.package_generated.v1"
        assert world.store.events[-1].sopstep == "13"

    async def test_before_the_deadline_evaluation_is_a_conflict(self, world: World):
        competition_id = await world.opened()
        before = world.snapshot()
        with pytest.raises(ActionNotAllowed):
            await results.evaluate_competition(
                world.uow, world.asks(OFFICIAL), competition_id, RULES
            )
        assert world.unchanged(before)

    async def test_without_offers_it_fails_and_the_request_is_reopened(self, world: World):
        competition_id = await world.opened()
        world.clock.advance(days=3)
        await results.evaluate_competition(world.uow, world.asks(OFFICIAL), competition_id, RULES)
        assert world.store.events[-1].type == "competition.competition_failed.v1"
        reopened = [h for h in world.store.history if h.action == "reopen"]
        assert [(h.to_state, h.sop_step) for h in reopened] == [("accepted", "11")]

    async def test_the_system_evaluates_due_competitions_once(self, world: World):
        competition_id = await world.opened()
        world.clock.advance(days=3)
        assert await evaluate_due_competitions(world.uow, RULES) == [competition_id]
        assert await evaluate_due_competitions(world.uow, RULES) == []
        entry = next(h for h in world.store.history if h.action == "evaluate")
        assert entry.actor is not None and entry.actor.role == "system"

    async def test_a_stranger_does_not_see_the_competition(self, world: World):
        competition_id = await world.opened()
        with pytest.raises(NotFound):
            await results.publish_competition(world.uow, world.asks(STRANGER), competition_id)


class TestCompetitionList:
    async def test_a_request_finds_its_competitions_past_the_first_page(self, world: World):
        first = await world.opened()
        request_id = world.store.table("competitions")[first][0].purchase_request_id
        world.clock.advance(days=3)  # no offers: it fails and the request is reopened (11)
        await results.evaluate_competition(world.uow, world.asks(OFFICIAL), first, RULES)
        rerun = await use.create_competition(
            world.uow, world.asks(OFFICIAL), request_id, "specification", None, "laptop"
        )
        world.clock.advance(minutes=1)
        await world.competition()  # another request's, the newest of the list

        async def ids(principal, after=None, state=None):
            items, last = await queries.list_competitions(
                world.uow, world.asks(principal), 1, after, state, purchase_request_id=request_id
            )
            return [item["id"] for item in items], last

        newest, last = await ids(OFFICIAL)
        older, last = await ids(OFFICIAL, after=last)
        assert (newest, older) == ([str(rerun.body["id"])], [str(first)])
        assert await ids(OFFICIAL, after=last) == ([], None)
        assert (await ids(OFFICIAL, state=cp.FAILED))[0] == [str(first)]
        assert await ids(STRANGER) == ([], None)  # another work unit's PPK sees none of them


class TestSealedLeaderboard:
    async def test_the_ppk_sees_only_how_many_offers_until_the_deadline(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        await world.offered(vendor, product, competition_id)
        board = await queries.leaderboard(world.uow, world.asks(PPK), competition_id, RULES)
        assert board["sealed"] and board["ranking"] == [] and board["offer_count"] == 1
        official = await queries.leaderboard(world.uow, world.asks(OFFICIAL), competition_id, RULES)
        assert official["sealed"] and official["ranking"] == [] and official["offer_count"] == 1

    async def test_a_regency_may_let_its_official_watch_prices_live(self, world: World):
        vendor, product = await world.vendor()
        competition_id = await world.opened()
        await world.offered(vendor, product, competition_id)
        live = replace(RULES, officials_see_live_prices=True)
        full = await queries.leaderboard(world.uow, world.asks(OFFICIAL), competition_id, live)
        assert not full["sealed"] and full["ranking"][0]["vendor_id"] == str(vendor.vendor_id)
        ppk = await queries.leaderboard(world.uow, world.asks(PPK), competition_id, live)
        assert ppk["sealed"] and ppk["ranking"] == []
