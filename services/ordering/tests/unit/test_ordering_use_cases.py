"""Every actor's action on the in-memory unit of work: the allowed path (state, history entry
with the table's SOP step, outbox event) and each refusal, with nothing recorded on one."""

from dataclasses import replace
from datetime import date, timedelta
from uuid import uuid4

import pytest

from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)
from epurchasing_shared.pages import PageParams, decode_cursor
from ordering.application import negotiate, process_package, purchase_order, review, views
from ordering.domain.negotiation import PriceSet, RoundStatus
from ordering.domain.purchase_order import AddendumChange
from ordering.domain.states import PackageState as S

from .conftest import proposed
from .fakes import OFFICIAL, PPK, RULES, VENDOR, asking, principal

PDF = Upload("sp.pdf", "application/pdf", b"%PDF-1.4 x", "0" * 64)


def assert_nothing_recorded(seeded, before) -> None:
    assert seeded.world.store.events == [] and seeded.world.store.history == []
    assert seeded.package == before


def last(seeded):
    (entry,) = seeded.world.store.history
    (event,) = seeded.world.store.events
    return entry, event


async def refused(seeded, error, call):
    before = seeded.package
    with pytest.raises(error):
        await call
    assert_nothing_recorded(seeded, before)


class TestProcess:
    async def test_moves_to_processing_and_queues_the_vendor_email(self, seeded):
        uow = seeded.world.unit_of_work
        outcome = await process_package.process_package(
            uow, asking(OFFICIAL, if_match=1), seeded.id, RULES
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], outcome.body["version"]) == ("processing", 2)
        assert (entry.action, entry.sop_step, entry.to_state) == ("process", "14", "processing")
        assert event.type == "ordering.package_processing.v1" and event.sopstep == "14"
        (email,) = seeded.world.store.table("vendor_emails").values()
        assert email.causation_id == str(event.id) and email.recipient == "sales@sumber.example"
        assert outcome.body["vendor_email"]["status"] == "pending"

    async def test_a_stale_if_match_is_refused(self, seeded):
        call = process_package.process_package(
            seeded.world.unit_of_work, asking(OFFICIAL, if_match=7), seeded.id, RULES
        )
        await refused(seeded, StaleVersion, call)
        assert seeded.world.store.table("vendor_emails") == {}

    async def test_another_work_units_official_does_not_find_it(self, seeded):
        request = asking(OFFICIAL, work_unit="other")
        call = process_package.process_package(seeded.world.unit_of_work, request, seeded.id, RULES)
        await refused(seeded, NotFound, call)

    async def test_the_wrong_role_and_the_wrong_state_are_refused(self, seeded):
        call = process_package.process_package(
            seeded.world.unit_of_work, asking(PPK), seeded.id, RULES
        )
        await refused(seeded, RoleNotAllowed, call)
        seeded.at(S.PROCESSING)
        call = process_package.process_package(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, RULES
        )
        await refused(seeded, ActionNotAllowed, call)


class TestPropose:
    async def test_opens_a_round_with_lower_prices(self, seeded):
        seeded.at(S.PROCESSING)
        prices = PriceSet({1: 9_000_000, 2: 3_000_000}, 400_000)
        outcome = await negotiate.propose_prices(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, prices, "nego"
        )
        entry, event = last(seeded)
        assert outcome.body["state"] == "negotiating"
        assert (entry.sop_step, entry.reason) == ("17", "round 1")
        assert event.type == "ordering.negotiation_proposed.v1"
        assert event.data["total"] == 90_000_000 + 6_000_000 + 400_000
        assert outcome.body["negotiation"][0]["proposed_prices"] == {"1": 9_000_000, "2": 3_000_000}

    async def test_a_higher_price_breaks_the_rule(self, seeded):
        seeded.at(S.PROCESSING)
        prices = PriceSet({1: 11_000_000, 2: 3_000_000}, 500_000)
        call = negotiate.propose_prices(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, prices, None
        )
        await refused(seeded, RuleViolation, call)


class TestAnswerProposal:
    async def test_the_vendor_accepts_the_open_round(self, seeded):
        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        outcome = await negotiate.accept_proposal(
            seeded.world.unit_of_work, asking(VENDOR), seeded.id, 1
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], entry.sop_step) == ("agreed", "17a")
        assert event.type == "ordering.negotiation_agreed.v1"
        assert event.data["agreed_by"] == "vendor_accepted"
        assert seeded.package.lines[0].unit_price == 9_000_000
        assert seeded.package.rounds[0].status is RoundStatus.ACCEPTED

    async def test_only_the_open_round_can_be_answered(self, seeded):
        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        call = negotiate.accept_proposal(seeded.world.unit_of_work, asking(VENDOR), seeded.id, 2)
        await refused(seeded, RuleViolation, call)

    async def test_another_vendor_does_not_find_it(self, seeded):
        from uuid import uuid4

        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        request = asking(VENDOR, vendor_id=uuid4())
        call = negotiate.accept_proposal(seeded.world.unit_of_work, request, seeded.id, 1)
        await refused(seeded, NotFound, call)

    async def test_the_vendor_rejects_with_counter_prices(self, seeded):
        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        counter = PriceSet({1: 9_500_000, 2: 3_000_000}, 500_000)
        outcome = await negotiate.reject_proposal(
            seeded.world.unit_of_work, asking(VENDOR), seeded.id, 1, counter, "too low"
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], entry.sop_step, entry.reason) == (
            "negotiation_rejected",
            "17b",
            "too low",
        )
        assert event.data["counter_shipping_cost"] == 500_000

    async def test_a_counter_above_the_prices_before_the_round_is_refused(self, seeded):
        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        counter = PriceSet({1: 10_500_000, 2: 3_000_000}, 500_000)
        call = negotiate.reject_proposal(
            seeded.world.unit_of_work, asking(VENDOR), seeded.id, 1, counter, None
        )
        await refused(seeded, RuleViolation, call)


class TestAcceptCounter:
    async def test_the_official_accepts_the_vendors_counter(self, seeded):
        counter = PriceSet({1: 9_500_000, 2: 3_000_000}, 0)
        seeded.at(
            S.NEGOTIATION_REJECTED, rounds=[proposed(status=RoundStatus.REJECTED, counter=counter)]
        )
        outcome = await negotiate.accept_counter(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], outcome.body["shipping_cost"], entry.sop_step) == (
            "agreed",
            0,
            "17a",
        )
        assert event.data["agreed_by"] == "counter_accepted"

    async def test_no_counter_prices_nothing_to_accept(self, seeded):
        seeded.at(S.NEGOTIATION_REJECTED, rounds=[proposed(status=RoundStatus.REJECTED)])
        call = negotiate.accept_counter(seeded.world.unit_of_work, asking(OFFICIAL), seeded.id)
        await refused(seeded, RuleViolation, call)


class TestReview:
    @pytest.mark.parametrize(
        ("use_case", "role", "start", "end", "step", "event_type"),
        [
            (
                review.vendor_approve,
                VENDOR,
                S.AGREED,
                "vendor_approved",
                "18",
                "ordering.vendor_approved.v1",
            ),
            (
                review.send_to_ppk,
                OFFICIAL,
                S.VENDOR_APPROVED,
                "awaiting_ppk",
                "19",
                "ordering.package_sent_to_ppk.v1",
            ),
            (
                review.ppk_approve,
                PPK,
                S.AWAITING_PPK,
                "ppk_approved",
                "20a",
                "ordering.package_approved.v1",
            ),
        ],
    )
    async def test_each_step_moves_records_and_publishes(
        self, seeded, use_case, role, start, end, step, event_type
    ):
        seeded.at(start)
        outcome = await use_case(seeded.world.unit_of_work, asking(role), seeded.id)
        entry, event = last(seeded)
        assert (outcome.body["state"], entry.sop_step, event.type) == (end, step, event_type)

    @pytest.mark.parametrize(
        "use_case", [review.vendor_approve, review.send_to_ppk, review.ppk_approve]
    )
    async def test_each_step_is_refused_in_a_closed_package(self, seeded, use_case):
        seeded.at(S.CLOSED)
        role = {review.vendor_approve: VENDOR, review.send_to_ppk: OFFICIAL}.get(use_case, PPK)
        await refused(
            seeded, ActionNotAllowed, use_case(seeded.world.unit_of_work, asking(role), seeded.id)
        )

    async def test_the_ppk_rejects_with_a_reason_20b(self, seeded):
        seeded.at(S.AWAITING_PPK)
        outcome = await review.cancel_package(
            seeded.world.unit_of_work, asking(PPK), seeded.id, "ppk_reject", "over budget"
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], outcome.body["cancel_reason"]) == (
            "cancelled",
            "over budget",
        )
        assert (entry.sop_step, event.type) == ("20b", "ordering.package_cancelled.v1")

    async def test_the_official_cancels_during_negotiation_17(self, seeded):
        seeded.at(S.NEGOTIATING, rounds=[proposed()])
        await review.cancel_package(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, "cancel", "no deal"
        )
        entry, _ = last(seeded)
        assert (entry.action, entry.sop_step) == ("cancel", "17")

    async def test_the_official_may_not_reject_for_the_ppk(self, seeded):
        seeded.at(S.AWAITING_PPK)
        call = review.cancel_package(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, "ppk_reject", "x"
        )
        await refused(seeded, RoleNotAllowed, call)


def issue_order(seeded, rules=RULES, order_date: date | None = date(2026, 2, 1)):
    """The PPK's step 21 on the seeded package (a coroutine, awaited by the caller)."""
    return purchase_order.issue_purchase_order(
        seeded.world.unit_of_work,
        asking(PPK),
        seeded.id,
        rules,
        signatory="Budi",
        terms="Syarat",
        order_date=order_date,
        upload=PDF,
    )


class TestIssuePurchaseOrder:
    async def test_issues_version_1_numbered_per_work_unit_and_year(self, seeded):
        seeded.at(S.PPK_APPROVED)
        outcome = await issue_order(seeded)
        entry, event = last(seeded)
        order = outcome.body["purchase_order"]
        assert (order["number"], order["version"]) == ("SP/dinkes/2026/0001", 1)
        assert (entry.sop_step, entry.reason, entry.documents[0]["kind"]) == (
            "21",
            order["number"],
            "purchase_order",
        )
        assert event.type == "ordering.order_issued.v1" and event.data["total"] == 106_500_000

    async def test_a_number_whose_order_fails_is_not_given_again(self, seeded, monkeypatch):
        """The number is taken in a transaction of its own (docs/order-numbers.md): the order's
        rollback leaves it taken, and the next order of the work unit gets the one after."""
        from .fakes import MemoryOrderingUnitOfWork

        class LetterFails:
            def purchase_order(self, letter):
                raise OSError("the letter could not be drawn")

        seeded.at(S.PPK_APPROVED)
        before = seeded.package
        with monkeypatch.context() as patched:
            patched.setattr(MemoryOrderingUnitOfWork, "letters", LetterFails())
            with pytest.raises(OSError):
                await issue_order(seeded)
        assert_nothing_recorded(seeded, before)
        counters = seeded.world.store.autonomous_table("order_number_counters")
        assert counters == {("dinkes", 2026): 1}
        outcome = await issue_order(seeded)
        assert outcome.body["purchase_order"]["number"] == "SP/dinkes/2026/0002"

    async def test_the_order_date_defaults_to_today_in_the_zone(self, seeded):
        from zoneinfo import ZoneInfo

        from ordering.application.ports import OrderingRules

        seeded.at(S.PPK_APPROVED)
        rules = OrderingRules(order_number_format="{year}-{seq}", zone=ZoneInfo("Asia/Jakarta"))
        outcome = await issue_order(seeded, rules, order_date=None)
        today = seeded.world.clock.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
        assert outcome.body["purchase_order"]["order_date"] == today.isoformat()

    async def test_is_refused_before_the_ppk_approves(self, seeded):
        seeded.at(S.AWAITING_PPK)
        await refused(seeded, ActionNotAllowed, issue_order(seeded, order_date=None))
        assert seeded.world.store.autonomous_table("order_number_counters") == {}


class TestAcknowledge:
    async def test_the_vendor_acknowledges_22(self, seeded):
        seeded.at(S.ORDER_ISSUED, order=True)
        outcome = await purchase_order.acknowledge_order(
            seeded.world.unit_of_work, asking(VENDOR), seeded.id
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], entry.sop_step) == ("order_acknowledged", "22")
        assert event.type == "ordering.order_acknowledged.v1" and event.data["version"] == 1

    async def test_twice_is_refused(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        call = purchase_order.acknowledge_order(
            seeded.world.unit_of_work, asking(VENDOR), seeded.id
        )
        await refused(seeded, ActionNotAllowed, call)


class TestAmend:
    async def test_an_addendum_is_version_2_and_keeps_the_state(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        outcome = await purchase_order.amend_order(
            seeded.world.unit_of_work,
            asking(PPK),
            seeded.id,
            RULES,
            AddendumChange(quantities={1: 11}),
            "tambah",
            PDF,
        )
        entry, event = last(seeded)
        assert (outcome.body["state"], outcome.body["purchase_order"]["version"]) == (
            "order_acknowledged",
            2,
        )
        assert (entry.sop_step, entry.reason) == ("24a", "addendum 2: tambah")
        assert event.type == "ordering.order_amended.v1" and event.data["total"] == 116_500_000

    async def test_more_than_the_allowed_increase_is_refused(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        call = purchase_order.amend_order(
            seeded.world.unit_of_work,
            asking(PPK),
            seeded.id,
            RULES,
            AddendumChange(quantities={1: 12}),
            "tambah",
            PDF,
        )
        await refused(seeded, RuleViolation, call)

    async def test_no_addendum_after_the_bast(self, seeded):
        seeded.at(S.HANDED_OVER, order=True)
        call = purchase_order.amend_order(
            seeded.world.unit_of_work,
            asking(PPK),
            seeded.id,
            RULES,
            AddendumChange(shipping_cost=0),
            "x",
            PDF,
        )
        await refused(seeded, ActionNotAllowed, call)


class TestViews:
    async def test_the_package_shows_the_callers_allowed_actions(self, seeded):
        view = await views.get_package(seeded.world.unit_of_work, principal(OFFICIAL), seeded.id)
        assert (view["state"], view["allowed_actions"]) == ("received", ["process"])

    async def test_a_package_not_the_callers_is_not_found(self, seeded):
        with pytest.raises(NotFound):
            await views.get_package(
                seeded.world.unit_of_work, principal(PPK, work_unit="x"), seeded.id
            )

    async def test_the_list_pages_by_cursor(self, seeded):
        page = await views.list_visible_packages(
            seeded.world.unit_of_work, principal(VENDOR), None, PageParams(limit=1)
        )
        assert [p["id"] for p in page["items"]] == [str(seeded.id)] and page["next_cursor"] is None

    async def test_a_procurement_finds_its_packages_past_the_first_page(self, seeded):
        first, procurement_id = seeded.package, seeded.package.procurement_id
        minute = timedelta(minutes=1)
        # The next winner's package after a cancellation; another procurement's, the oldest.
        next_winner = replace(first, id=uuid4(), created_at=first.created_at + minute)
        other = replace(
            first, id=uuid4(), procurement_id=uuid4(), created_at=first.created_at - minute
        )
        seeded.world.put(next_winner)
        seeded.world.put(other)

        async def page(who, cursor=None):
            found = await views.list_visible_packages(
                seeded.world.unit_of_work,
                principal(who),
                None,
                PageParams(limit=1, cursor=decode_cursor(cursor) if cursor else None),
                procurement_id=procurement_id,
            )
            return [p["id"] for p in found["items"]], found["next_cursor"]

        ids, cursor = await page(OFFICIAL)
        assert ids == [str(first.id)] and cursor is not None
        assert await page(OFFICIAL, cursor) == ([str(next_winner.id)], None)
        found = await views.list_visible_packages(
            seeded.world.unit_of_work,
            principal(OFFICIAL, work_unit="other"),  # another work unit's official
            None,
            PageParams(limit=9),
            procurement_id=procurement_id,
        )
        assert found["items"] == []
