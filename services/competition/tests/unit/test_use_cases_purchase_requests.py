"""Use cases of the purchase request (SOP 1–4) on the in-memory unit of work."""

from uuid import uuid4

import pytest

from competition.application import purchase_requests as use
from competition.domain.purchase_request import Official
from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    Forbidden,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)

from .world import OFFICIAL, OTHER_OFFICIAL, PDF, PPK, RULES, STRANGER, World, draft_data


class TestDraftRequest:
    async def test_a_ppk_drafts_a_request_of_its_work_unit(self, world: World):
        outcome = await use.draft_request(world.uow, world.asks(PPK), draft_data(), RULES)
        assert outcome.created and outcome.body["state"] == "draft"
        assert outcome.body["work_unit"] == "dinkes" and outcome.body["version"] == 1
        (entry,) = world.store.history
        assert (entry.action, entry.from_state, entry.to_state, entry.sop_step) == (
            "draft",
            None,
            "draft",
            "1",
        )
        assert world.store.events == []

    async def test_a_past_delivery_date_is_a_rule_violation_and_nothing_is_kept(self, world):
        before = world.snapshot()
        from datetime import date

        with pytest.raises(RuleViolation) as refused:
            await use.draft_request(
                world.uow, world.asks(PPK), draft_data(delivery_date=date(2026, 3, 1)), RULES
            )
        assert refused.value.errors[0]["field"] == "delivery_date"
        assert world.unchanged(before)

    async def test_a_retry_with_the_same_key_replays_the_first_draft(self, world: World):
        first = await use.draft_request(world.uow, world.asks(PPK, key="k"), draft_data(), RULES)
        again = await use.draft_request(world.uow, world.asks(PPK, key="k"), draft_data(), RULES)
        assert again.replayed and again.body == first.body
        assert len(world.store.table("purchase_requests")) == 1


class TestEditRequest:
    async def test_the_ppk_changes_its_draft(self, world: World):
        request_id = await world.drafted()
        outcome = await use.edit_request(
            world.uow, world.asks(PPK, if_match=1), request_id, {"title": "New"}, RULES
        )
        assert outcome.body["title"] == "New" and outcome.body["version"] == 2
        assert world.store.history[-1].sop_step == "2"

    async def test_a_stale_if_match_changes_nothing(self, world: World):
        request_id = await world.drafted()
        before = world.snapshot()
        with pytest.raises(StaleVersion):
            await use.edit_request(
                world.uow, world.asks(PPK, if_match=7), request_id, {"title": "x"}, RULES
            )
        assert world.unchanged(before)

    async def test_another_work_units_request_is_not_found(self, world: World):
        request_id = await world.drafted()
        before = world.snapshot()
        with pytest.raises(NotFound):
            await use.edit_request(
                world.uow, world.asks(STRANGER), request_id, {"title": "x"}, RULES
            )
        assert world.unchanged(before)

    async def test_a_submitted_request_cannot_be_edited(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(ActionNotAllowed) as refused:
            await use.edit_request(world.uow, world.asks(PPK), request_id, {"title": "x"}, RULES)
        assert refused.value.current_state == "submitted"
        assert world.unchanged(before)


class TestAttachDocument:
    async def test_the_nota_dinas_joins_the_draft_with_its_history_entry(self, world: World):
        request_id = await world.drafted()
        outcome = await use.attach_request_document(
            world.uow, world.asks(PPK), request_id, "nota_dinas", PDF
        )
        assert outcome.created and outcome.body["version"] == 2
        assert outcome.body["document"]["kind"] == "nota_dinas"
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step) == ("attach_document", "2")
        assert entry.documents[0]["filename"] == "nota.pdf"

    async def test_an_unknown_kind_is_refused_and_nothing_is_kept(self, world: World):
        request_id = await world.drafted()
        before = world.snapshot()
        with pytest.raises(RuleViolation):
            await use.attach_request_document(world.uow, world.asks(PPK), request_id, "memo", PDF)
        assert world.unchanged(before) and world.store.documents == {}


class TestSubmitRequest:
    async def test_goes_to_the_named_official_with_its_event(self, world: World):
        request_id = await world.drafted()
        await use.attach_request_document(world.uow, world.asks(PPK), request_id, "nota_dinas", PDF)
        official = Official(OFFICIAL.sub, OFFICIAL.name)
        outcome = await use.submit_request(
            world.uow, world.asks(PPK, if_match=2), request_id, official
        )
        assert outcome.body["state"] == "submitted"
        assert world.store.history[-1].sop_step == "3"
        (event,) = world.store.events
        assert event.type == "competition.purchase_request_submitted.v1"
        assert event.sopstep == "3" and event.data["official"]["id"] == OFFICIAL.sub
        assert event.actorid == PPK.sub

    async def test_without_the_nota_dinas_it_is_refused(self, world: World):
        request_id = await world.drafted()
        before = world.snapshot()
        official = Official(OFFICIAL.sub, OFFICIAL.name)
        with pytest.raises(RuleViolation):
            await use.submit_request(world.uow, world.asks(PPK), request_id, official)
        assert world.unchanged(before)

    async def test_an_official_may_not_submit(self, world: World):
        request_id = await world.drafted()
        with pytest.raises(RoleNotAllowed):
            await use.submit_request(world.uow, world.asks(OFFICIAL), request_id, None)


class TestAcceptRequest:
    async def test_the_addressed_official_accepts(self, world: World):
        request_id = await world.submitted()
        outcome = await use.accept_request(world.uow, world.asks(OFFICIAL, if_match=3), request_id)
        assert outcome.body["state"] == "accepted"
        assert outcome.body["allowed_actions"] == ["start_competition"]
        assert world.store.history[-1].sop_step == "4"
        assert world.store.events[-1].type == "competition.purchase_request_accepted.v1"

    async def test_another_official_of_the_work_unit_is_forbidden(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(Forbidden):
            await use.accept_request(world.uow, world.asks(OTHER_OFFICIAL), request_id)
        assert world.unchanged(before)

    async def test_a_stale_if_match_is_refused(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(StaleVersion):
            await use.accept_request(world.uow, world.asks(OFFICIAL, if_match=1), request_id)
        assert world.unchanged(before)

    async def test_accepting_twice_is_a_conflict(self, world: World):
        request_id = await world.accepted()
        before = world.snapshot()
        with pytest.raises(ActionNotAllowed):
            await use.accept_request(world.uow, world.asks(OFFICIAL), request_id)
        assert world.unchanged(before)


class TestReturnRequest:
    async def test_back_to_the_ppk_as_a_draft_saying_why(self, world: World):
        request_id = await world.submitted()
        outcome = await use.return_request(world.uow, world.asks(OFFICIAL), request_id, "no DPA")
        assert outcome.body["state"] == "draft"
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.reason) == ("return", "4", "no DPA")
        assert world.store.events[-1].data["reason"] == "no DPA"

    async def test_a_blank_reason_is_refused(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(RuleViolation):
            await use.return_request(world.uow, world.asks(OFFICIAL), request_id, "  ")
        assert world.unchanged(before)


class TestReadRequests:
    async def test_the_list_holds_the_callers_requests_only(self, world: World):
        await world.drafted()
        mine, _ = await use.list_requests(world.uow, world.asks(PPK), 10, None, None)
        theirs, _ = await use.list_requests(world.uow, world.asks(STRANGER), 10, None, None)
        assert len(mine) == 1 and theirs == []

    async def test_a_document_of_the_request_is_found_another_id_is_not(self, world: World):
        request_id = await world.submitted()
        (document,) = await use.request_documents(world.uow, world.asks(PPK), request_id)
        found = await use.request_document(world.uow, world.asks(PPK), request_id, document.id)
        assert found == document
        with pytest.raises(NotFound):
            await use.request_document(world.uow, world.asks(PPK), request_id, uuid4())
        with pytest.raises(NotFound):
            await use.get_request(world.uow, world.asks(STRANGER), request_id)
