"""Consumer contract tests: ordering's events, built with ordering's contracts and serialised
as its relay does, fed to delivery's consumer with ``consume_one`` on the in-memory unit of
work (no broker, no database)."""

import json
from datetime import timedelta

from delivery_factories import NOW
from delivery_flow import Order
from fakes import World, asking, ppk_of, upload, vendor_of

from delivery.application import ppk_steps, vendor_steps
from delivery.consumers.order_events import order_events_consumer
from delivery.domain.shipping import ShipmentStatus
from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.messaging.consumer import Verdict, consume_one


def wire(event: CloudEvent) -> bytes:
    return event.model_dump_json(exclude_none=True).encode()


async def consume(world: World, *events: CloudEvent) -> list[Verdict]:
    spec = order_events_consumer(world.factory, grace_seconds=0)
    return [await consume_one(spec, wire(event), 0, 5) for event in events]


def without(event: CloudEvent, field: str) -> bytes:
    """The event with a payload field removed: something ordering could not have sent."""
    body = json.loads(wire(event))
    del body["data"][field]
    return json.dumps(body).encode()


class TestOrderIssued:
    async def test_opens_a_fulfilment_awaiting_acknowledgement(self):
        world, order = World(), Order(total=1_000_000)
        assert await consume(world, order.issued()) == [Verdict.APPLIED]
        made = world.stored(order.procurement_id)
        assert (made.state, made.order.total, made.vendor_id) == (
            "awaiting_acknowledgement",
            1_000_000,
            order.vendor_id,
        )
        [entry] = world.store.history
        assert (entry.action, entry.from_state, entry.to_state, entry.sop_step) == (
            "open_fulfilment",
            None,
            "awaiting_acknowledgement",
            "21",
        )
        assert entry.actor.role == "ppk" and "version 1, total 1000000" in entry.reason
        assert world.store.events == []  # delivery tells nobody of an order it only follows

    async def test_a_duplicate_has_no_second_effect(self):
        world, order = World(), Order()
        issued = order.issued()
        assert await consume(world, issued, issued) == [Verdict.APPLIED, Verdict.DUPLICATE]
        assert len(world.store.history) == 1 and world.stored(order.procurement_id).version == 1

    async def test_the_same_order_in_another_event_is_ignored(self):
        world, order = World(), Order()
        assert await consume(world, order.issued(), order.issued()) == [Verdict.APPLIED] * 2
        assert len(world.store.history) == 1

    async def test_another_order_for_the_same_procurement_is_dead_lettered(self):
        world, order = World(), Order()
        other = Order()
        other.procurement_id = order.procurement_id
        verdicts = await consume(world, order.issued(), other.issued())
        assert verdicts == [Verdict.APPLIED, Verdict.DEAD_LETTER]
        assert world.stored(order.procurement_id).order_id == order.order_id

    async def test_a_payload_ordering_could_not_send_is_dead_lettered(self):
        world, order = World(), Order()
        spec = order_events_consumer(world.factory, grace_seconds=0)
        verdict = await consume_one(spec, without(order.issued(), "order_id"), 0, 5)
        assert verdict is Verdict.DEAD_LETTER
        assert not world.store.table("fulfilments") and not world.store.inbox


class TestOrderAcknowledged:
    async def test_makes_the_fulfilment_ready_for_preparation(self):
        world, order = World(), Order()
        acknowledged = order.acknowledged()
        verdicts = await consume(world, order.issued(), acknowledged, acknowledged)
        assert verdicts == [Verdict.APPLIED, Verdict.APPLIED, Verdict.DUPLICATE]
        made = world.stored(order.procurement_id)
        assert (made.state, made.version) == ("ready_for_preparation", 2)
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.actor.role) == (
            "acknowledge_order",
            "22",
            "vendor",
        )

    async def test_a_second_acknowledgement_changes_nothing(self):
        world, order = World(), Order()
        await consume(world, order.issued(), order.acknowledged(), order.acknowledged())
        assert world.stored(order.procurement_id).version == 2 and len(world.store.history) == 2

    async def test_without_its_order_it_is_dead_lettered_and_not_remembered(self):
        world, order = World(), Order()
        assert await consume(world, order.acknowledged()) == [Verdict.DEAD_LETTER]
        assert not world.store.inbox and not world.store.history

    async def test_a_payload_ordering_could_not_send_is_dead_lettered(self):
        world, order = World(), Order()
        await consume(world, order.issued())
        spec = order_events_consumer(world.factory, grace_seconds=0)
        verdict = await consume_one(spec, without(order.acknowledged(), "version"), 0, 5)
        assert verdict is Verdict.DEAD_LETTER
        assert world.stored(order.procurement_id).state == "awaiting_acknowledgement"


async def _handed_over(world: World, order: Order, total: int) -> None:
    """Issued and acknowledged by events, then delivered, inspected and handed over (BAST
    at NOW) by the actors' use cases."""
    await consume(world, order.issued(), order.acknowledged())
    made = world.stored(order.procurement_id)
    vendor, ppk, pid = asking(vendor_of(made)), asking(ppk_of(made)), order.procurement_id
    await vendor_steps.start_preparation(world.factory, vendor, pid)
    for status, hours in (("shipped", 3), ("delivered", 1)):
        given = vendor_steps.ShipmentInput(
            ShipmentStatus(status), "JNE", "T1", NOW - timedelta(hours=hours), None, None
        )
        await vendor_steps.record_shipment(world.factory, vendor, pid, given)
    await ppk_steps.inspect_goods(world.factory, ppk, pid, upload(), None)
    await ppk_steps.hand_over_goods(world.factory, ppk, pid, upload(), None)
    if total:
        payment = ppk_steps.PaymentInput(total, upload(), upload(), None)
        await ppk_steps.record_payment(world.factory, ppk, pid, payment)


class TestOrderAmended:
    async def test_the_newest_version_is_followed(self):
        world, order = World(), Order(total=1_000_000)
        verdicts = await consume(world, order.issued(), order.amended(2, 1_050_000))
        assert verdicts == [Verdict.APPLIED, Verdict.APPLIED]
        made = world.stored(order.procurement_id)
        assert (made.order.version, made.order.total, made.state) == (
            2,
            1_050_000,
            "awaiting_acknowledgement",
        )
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.from_state, entry.to_state) == (
            "follow_amendment",
            "24a",
            "awaiting_acknowledgement",
            "awaiting_acknowledgement",
        )
        assert entry.reason.startswith("order version 1 -> 2: total 1000000 -> 1050000")

    async def test_an_older_version_changes_nothing(self):
        world, order = World(), Order()
        await consume(world, order.issued(), order.amended(3, 1_080_000))
        assert await consume(world, order.amended(2, 1_040_000)) == [Verdict.APPLIED]
        made = world.stored(order.procurement_id)
        assert (made.order.version, made.version, len(world.store.history)) == (3, 2, 2)

    async def test_committed_after_the_bast_it_is_noted_not_applied(self):
        world, order = World(), Order(total=900_000)
        await _handed_over(world, order, total=0)
        before = world.stored(order.procurement_id).version
        late = order.amended(2, 990_000, at=NOW + timedelta(minutes=1))
        assert await consume(world, late) == [Verdict.APPLIED]
        made = world.stored(order.procurement_id)
        assert (made.order.total, made.version) == (900_000, before)
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.from_state, entry.to_state) == (
            "amendment_not_applied",
            "24a",
            "handed_over",
            "handed_over",
        )
        assert "after the BAST recorded at" in entry.reason

    async def test_a_total_lowered_to_what_is_paid_settles(self):
        world, order = World(), Order(total=900_000)
        await _handed_over(world, order, total=850_000)
        lowered = order.amended(2, 850_000, at=NOW - timedelta(minutes=5))
        assert await consume(world, lowered) == [Verdict.APPLIED]
        made = world.stored(order.procurement_id)
        assert (made.state, made.order.total) == ("paid", 850_000)
        entry = world.store.history[-1]
        assert (entry.action, entry.from_state, entry.to_state) == (
            "follow_amendment",
            "handed_over",
            "paid",
        )

    async def test_of_an_unknown_order_it_is_dead_lettered(self):
        world = World()
        assert await consume(world, Order().amended(2, 500_000)) == [Verdict.DEAD_LETTER]
        assert not world.store.history and not world.store.inbox

    async def test_a_payload_ordering_could_not_send_is_dead_lettered(self):
        world, order = World(), Order()
        await consume(world, order.issued())
        spec = order_events_consumer(world.factory, grace_seconds=0)
        verdict = await consume_one(spec, without(order.amended(2, 1_100_000), "total"), 0, 5)
        assert verdict is Verdict.DEAD_LETTER
        assert world.stored(order.procurement_id).order.version == 1
