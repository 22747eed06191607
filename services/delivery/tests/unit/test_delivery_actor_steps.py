"""The actors' use cases (23, 25, 26, 27) on the in-memory unit of work: the allowed path
writes the fulfilment, its history entry (the table's SOP step) and its event; every refusal
changes and records nothing."""

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from delivery_factories import NOW, delivered, entry, fulfilment, handed_over
from fakes import World, asking, ppk_of, upload, vendor_of

from delivery.application import ppk_steps, vendor_steps
from delivery.domain.errors import InvalidInput, PaymentDoesNotAddUp, ShippingOutOfOrder
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FulfilmentState
from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    NotFound,
    RoleNotAllowed,
    StaleVersion,
)
from epurchasing_shared.principal import Principal, Role

S = FulfilmentState
JAKARTA = ZoneInfo("Asia/Jakarta")


def shipment(status: str = "shipped", **kw) -> vendor_steps.ShipmentInput:
    values = {
        "status": ShipmentStatus(status),
        "courier": "JNE",
        "tracking_number": "JNE1",
        "happened_at": NOW - timedelta(hours=1),
        "note": None,
        "document": None,
        **kw,
    }
    return vendor_steps.ShipmentInput(**values)


def payment(amount: int) -> ppk_steps.PaymentInput:
    return ppk_steps.PaymentInput(amount, upload("sp2d.pdf"), upload("kwitansi.pdf"), "termin")


def paid() -> Fulfilment:
    made = handed_over()
    made.record_payment(made.order.total)
    return made


# Every actor's step: (name, how to call it, a fulfilment it may act on, who acts).
STEPS = {
    "start_preparation": (
        lambda w, r, pid: vendor_steps.start_preparation(w.factory, r, pid),
        lambda: fulfilment(S.READY_FOR_PREPARATION),
        vendor_of,
    ),
    "record_shipment": (
        lambda w, r, pid: vendor_steps.record_shipment(w.factory, r, pid, shipment()),
        lambda: fulfilment(S.PREPARING),
        vendor_of,
    ),
    "inspect_goods": (
        lambda w, r, pid: ppk_steps.inspect_goods(w.factory, r, pid, upload("bap.pdf"), None),
        delivered,
        ppk_of,
    ),
    "hand_over_goods": (
        lambda w, r, pid: ppk_steps.hand_over_goods(w.factory, r, pid, upload("bast.pdf"), None),
        lambda: _inspected(),
        ppk_of,
    ),
    "record_payment": (
        lambda w, r, pid: ppk_steps.record_payment(w.factory, r, pid, payment(100_000)),
        handed_over,
        ppk_of,
    ),
    "complete_package": (
        lambda w, r, pid: ppk_steps.complete_package(w.factory, r, pid, JAKARTA),
        paid,
        ppk_of,
    ),
}


def _inspected() -> Fulfilment:
    made = delivered()
    made.inspect_goods()
    return made


def _other_role(principal: Principal, made: Fulfilment) -> Principal:
    """A party to the same fulfilment, in the other role (its PPK for a vendor step)."""
    return ppk_of(made) if principal.role is Role.VENDOR else vendor_of(made)


@pytest.mark.parametrize("action", list(STEPS))
class TestEveryStepRefuses:
    async def test_the_other_partys_role(self, action):
        call, make, who = STEPS[action]
        world, made = World(), make()
        world.seed(made)
        with pytest.raises(RoleNotAllowed):
            await call(world, asking(_other_role(who(made), made)), made.procurement_id)
        assert (
            world.nothing_recorded() and world.stored(made.procurement_id).version == made.version
        )

    async def test_a_fulfilment_not_the_callers(self, action):
        call, make, who = STEPS[action]
        world, made = World(), make()
        world.seed(made)
        # Another work unit's PPK, another vendor: same role, not a party to this fulfilment.
        stranger = replace(who(made), work_unit="dinas-pu", vendor_id=uuid4())
        with pytest.raises(NotFound):
            await call(world, asking(stranger), made.procurement_id)
        assert world.nothing_recorded()

    async def test_a_fulfilment_that_does_not_exist(self, action):
        call, make, who = STEPS[action]
        world, made = World(), make()
        with pytest.raises(NotFound):
            await call(world, asking(who(made)), made.procurement_id)

    async def test_a_stale_if_match(self, action):
        call, make, who = STEPS[action]
        world, made = World(), make()
        world.seed(made)
        with pytest.raises(StaleVersion):
            await call(world, asking(who(made), if_match=made.version - 1), made.procurement_id)
        assert (
            world.nothing_recorded() and world.stored(made.procurement_id).version == made.version
        )

    async def test_the_wrong_state(self, action):
        call, _, who = STEPS[action]
        world = World()
        made = world.seed(fulfilment(S.AWAITING_ACKNOWLEDGEMENT))
        with pytest.raises(ActionNotAllowed) as refused:
            await call(world, asking(who(made)), made.procurement_id)
        assert refused.value.current_state == "awaiting_acknowledgement"
        assert refused.value.allowed_actions == []
        assert world.nothing_recorded()

    async def test_allowed_with_the_current_if_match(self, action):
        call, make, who = STEPS[action]
        world, made = World(), make()
        world.seed(made)
        outcome = await call(world, asking(who(made), if_match=made.version), made.procurement_id)
        assert outcome.body["version"] == made.version + 1
        assert world.stored(made.procurement_id).version == made.version + 1
        [entry] = world.store.history
        assert (entry.action, entry.aggregate, entry.actor.role) == (
            action,
            "fulfilment",
            who(made).role,
        )


class TestStartPreparation:
    async def test_moves_to_preparing_and_tells_the_others(self):
        world = World()
        made = world.seed(fulfilment(S.READY_FOR_PREPARATION))
        outcome = await vendor_steps.start_preparation(
            world.factory, asking(vendor_of(made)), made.procurement_id
        )
        assert (outcome.status, outcome.body["state"]) == (200, "preparing")
        assert outcome.body["allowed_actions"] == ["record_shipment"]
        [entry] = world.store.history
        assert (entry.from_state, entry.to_state, entry.sop_step) == (
            "ready_for_preparation",
            "preparing",
            "23",
        )
        [event] = world.store.events
        assert (event.type, event.sopstep, event.causationid) == (
            "delivery.preparation_started.v1",
            "23",
            "request:test",
        )
        assert event.data["order_id"] == str(made.order_id)

    async def test_a_retry_with_the_same_key_replays_and_changes_nothing(self):
        world = World()
        made = world.seed(fulfilment(S.READY_FOR_PREPARATION))
        request = asking(vendor_of(made), key="prep-1")
        first = await vendor_steps.start_preparation(world.factory, request, made.procurement_id)
        again = await vendor_steps.start_preparation(world.factory, request, made.procurement_id)
        assert again.replayed and again.body == first.body
        assert len(world.store.events) == 1 and len(world.store.history) == 1


class TestRecordShipment:
    async def test_an_entry_is_appended_with_its_document(self):
        world = World()
        made = world.seed(fulfilment(S.PREPARING))
        given = shipment(document=upload("surat-jalan.pdf"))
        outcome = await vendor_steps.record_shipment(
            world.factory, asking(vendor_of(made)), made.procurement_id, given
        )
        assert (outcome.status, outcome.body["state"]) == (201, "shipping")
        assert outcome.location == f"/fulfilments/{made.procurement_id}/shipments/1"
        [row] = outcome.body["shipments"]
        assert (row["entry_no"], row["status"], row["document"]["kind"]) == (
            1,
            "shipped",
            "delivery_document",
        )
        [entry] = world.store.history
        assert (entry.sop_step, entry.reason) == ("25", "shipping entry 1: shipped")
        assert [d["kind"] for d in entry.documents] == ["delivery_document"]
        [event] = world.store.events
        assert event.type == "delivery.shipment_recorded.v1"
        assert (event.data["entry_no"], event.data["courier"]) == (1, "JNE")

    async def test_delivered_ends_the_shipping(self):
        world = World()
        made = fulfilment(S.PREPARING)
        world.seed(made)
        vendor = asking(vendor_of(made))
        await vendor_steps.record_shipment(world.factory, vendor, made.procurement_id, shipment())
        outcome = await vendor_steps.record_shipment(
            world.factory, vendor, made.procurement_id, shipment("delivered")
        )
        assert outcome.body["state"] == "delivered"
        assert outcome.body["allowed_actions"] == []  # the vendor's part is done
        assert [h.to_state for h in world.store.history] == ["shipping", "delivered"]

    async def test_going_backwards_is_refused_and_recorded_nowhere(self):
        world = World()
        made = fulfilment(S.PREPARING)
        made.record_shipment(entry("in_transit"), NOW)
        world.seed(made)
        with pytest.raises(ShippingOutOfOrder, match="cannot go back") as refused:
            await vendor_steps.record_shipment(
                world.factory, asking(vendor_of(made)), made.procurement_id, shipment()
            )
        assert refused.value.current_state == "shipping"
        assert world.nothing_recorded() and not world.store.table("shipment_entries")

    async def test_an_entry_in_the_future_is_a_rule_violation(self):
        world = World()
        made = world.seed(fulfilment(S.PREPARING))
        given = shipment(happened_at=NOW + timedelta(minutes=6), document=upload())
        with pytest.raises(InvalidInput) as refused:
            await vendor_steps.record_shipment(
                world.factory, asking(vendor_of(made)), made.procurement_id, given
            )
        [error] = refused.value.errors
        assert (error["field"], error["message"]) == ("happened_at", str(refused.value))
        assert error["message_id"].startswith("waktu kejadian")
        assert world.nothing_recorded() and world.stored(made.procurement_id).shipment_count == 0


class TestInspectionAndHandover:
    async def test_the_bap_is_kept_named_in_the_history_and_the_event(self):
        world = World()
        made = world.seed(delivered())
        outcome = await ppk_steps.inspect_goods(
            world.factory, asking(ppk_of(made)), made.procurement_id, upload("bap.pdf"), "ok"
        )
        assert outcome.body["state"] == "inspected"
        assert (outcome.body["bap"]["note"], outcome.body["bast"]) == ("ok", None)
        [entry] = world.store.history
        assert (entry.sop_step, entry.reason, entry.documents[0]["kind"]) == ("26", "ok", "bap")
        [event] = world.store.events
        assert event.type == "delivery.goods_inspected.v1"
        assert event.data["bap"]["filename"] == "bap.pdf"

    async def test_the_bast_records_the_handover_time(self):
        world = World()
        made = world.seed(_inspected())
        outcome = await ppk_steps.hand_over_goods(
            world.factory, asking(ppk_of(made)), made.procurement_id, upload("bast.pdf"), None
        )
        assert outcome.body["state"] == "handed_over"
        assert world.stored(made.procurement_id).handed_over_at == NOW
        [event] = world.store.events
        assert (event.type, event.sopstep) == ("delivery.goods_handed_over.v1", "26")
        assert outcome.body["allowed_actions"] == ["record_payment"]


class TestRecordPayment:
    async def test_an_instalment_leaves_the_rest_to_pay(self):
        world = World()
        made = world.seed(handed_over(total=900_000))
        outcome = await ppk_steps.record_payment(
            world.factory, asking(ppk_of(made)), made.procurement_id, payment(300_000)
        )
        assert (outcome.status, outcome.body["state"], outcome.body["remaining"]) == (
            201,
            "handed_over",
            600_000,
        )
        assert outcome.location == f"/fulfilments/{made.procurement_id}/payments/1"
        [entry] = world.store.history
        assert entry.sop_step == "26"
        assert entry.reason == "amount=300000, paid_so_far=300000, order_total=900000, note=termin"
        assert [d["kind"] for d in entry.documents] == ["payment_document", "receipt"]
        [event] = world.store.events
        assert event.type == "delivery.payment_recorded.v1"
        assert (event.data["payment_no"], event.data["fully_paid"]) == (1, False)

    async def test_the_last_instalment_pays(self):
        world = World()
        made = handed_over(total=900_000)
        made.record_payment(600_000)
        world.seed(made)
        outcome = await ppk_steps.record_payment(
            world.factory, asking(ppk_of(made)), made.procurement_id, payment(300_000)
        )
        assert (outcome.body["state"], outcome.body["paid_total"]) == ("paid", 900_000)
        assert world.store.events[0].data["fully_paid"] is True
        assert world.store.history[0].to_state == "paid"

    async def test_an_overpayment_is_refused_naming_the_figures(self):
        world = World()
        made = world.seed(handed_over(total=900_000))
        with pytest.raises(PaymentDoesNotAddUp, match="remaining 900000"):
            await ppk_steps.record_payment(
                world.factory, asking(ppk_of(made)), made.procurement_id, payment(900_001)
            )
        assert world.nothing_recorded() and not world.store.table("payments")


class TestCompletePackage:
    async def test_rating_learns_whether_it_came_on_time(self):
        world = World()
        made = world.seed(paid())
        outcome = await ppk_steps.complete_package(
            world.factory, asking(ppk_of(made)), made.procurement_id, JAKARTA
        )
        assert (outcome.body["state"], outcome.body["allowed_actions"]) == ("completed", [])
        [entry] = world.store.history
        assert (entry.from_state, entry.to_state, entry.sop_step) == ("paid", "completed", "27")
        [event] = world.store.events
        assert (event.type, event.sopstep) == ("delivery.package_completed.v1", "27")
        assert event.data["on_time"] is True
        assert event.data["vendor"]["id"] == str(made.vendor_id)
