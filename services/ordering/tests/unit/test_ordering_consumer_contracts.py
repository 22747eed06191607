"""Consumer contracts: events built with the producers' contracts, serialised as the relay
does, fed to ``consume_one`` on the in-memory unit of work (applied, duplicate, dead letter)."""

from datetime import UTC, date, datetime
from uuid import uuid4

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import (
    DocumentReference,
    GoodsHandedOver,
    PackageCompleted,
)
from epurchasing_shared.contracts.envelope import Actor, make_event
from epurchasing_shared.messaging.consumer import Verdict, consume_one
from ordering.consumers.delivery_events import delivery_events_consumer
from ordering.consumers.package_generated import package_generated_consumer
from ordering.domain.states import PackageState as S

from .fakes import World, generated


def body(service, payload, **kw) -> bytes:
    event = make_event(
        service=service, payload=payload, procurement_id=uuid4(), time=datetime.now(UTC), **kw
    )
    return event.model_dump_json(exclude_none=True).encode()


class TestPackageGenerated:
    async def test_creates_the_package_once(self):
        world = World()
        spec = package_generated_consumer(world.unit_of_work)
        payload = generated()
        message = body("competition", payload, sop_step="13")
        assert await consume_one(spec, message, 0, 5) is Verdict.APPLIED
        assert world.package(payload.package_id).state is S.RECEIVED
        (entry,) = world.store.history
        assert (entry.action, entry.sop_step, entry.to_state) == (
            "receive_package",
            "13",
            "received",
        )
        assert await consume_one(spec, message, 0, 5) is Verdict.DUPLICATE
        # The same package under a new event id (a replay) changes nothing either.
        assert await consume_one(spec, body("competition", payload), 0, 5) is Verdict.APPLIED
        assert len(world.store.history) == 1 and len(world.store.table("packages")) == 1

    async def test_a_package_without_lines_is_dead_lettered(self):
        world = World()
        spec = package_generated_consumer(world.unit_of_work)
        message = body("competition", generated(lines=False))
        assert await consume_one(spec, message, 0, 5) is Verdict.DEAD_LETTER
        assert world.store.table("packages") == {}

    async def test_a_payload_the_producer_could_not_send_is_dead_lettered(self):
        world = World()
        spec = package_generated_consumer(world.unit_of_work)
        message = body("competition", generated()).replace(b'"pagu":130000000', b'"pagu":"lots"')
        assert await consume_one(spec, message, 0, 5) is Verdict.DEAD_LETTER
        assert world.store.table("packages") == {}


def handed_over(package, order_id=None) -> GoodsHandedOver:
    return GoodsHandedOver(
        package_id=package.id,
        order_id=order_id or package.order.id,
        bast=DocumentReference(
            id=uuid4(),
            kind="bast",
            filename="bast.pdf",
            media_type="application/pdf",
            size=10,
            sha256="0" * 64,
        ),
        handed_over_at=datetime(2026, 2, 20, tzinfo=UTC),
    )


def completed(package) -> PackageCompleted:
    return PackageCompleted(
        package_id=package.id,
        order_id=package.order.id,
        order_number=package.order.number,
        vendor=VendorRef(id=package.vendor.id, name=package.vendor.name),
        ppk=Party(id="ppk-1", name="Budi"),
        work_unit=package.work_unit,
        order_total=package.order.original_total,
        promised_delivery_date=date(2026, 3, 1),
        actual_delivery_date=date(2026, 2, 20),
        on_time=True,
        completed_at=datetime(2026, 3, 5, tzinfo=UTC),
    )


class TestDeliveryEvents:
    async def test_the_handover_moves_the_package_once_then_the_completion_closes_it(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        spec = delivery_events_consumer(seeded.world.unit_of_work)
        actor = Actor(id="ppk-1", role="ppk")
        message = body("delivery", handed_over(seeded.package), actor=actor, sop_step="26")
        assert await consume_one(spec, message, 0, 5) is Verdict.APPLIED
        assert seeded.package.state is S.HANDED_OVER and seeded.package.order.handed_over_at
        (entry,) = seeded.world.store.history
        assert (entry.sop_step, entry.actor.id, entry.documents[0]["kind"]) == (
            "26",
            "ppk-1",
            "bast",
        )
        assert await consume_one(spec, message, 0, 5) is Verdict.DUPLICATE
        again = body("delivery", handed_over(seeded.package), actor=actor)
        assert await consume_one(spec, again, 0, 5) is Verdict.APPLIED  # already there: no-op
        assert len(seeded.world.store.history) == 1 and seeded.package.version == 2

    async def test_an_unknown_order_is_dead_lettered(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        spec = delivery_events_consumer(seeded.world.unit_of_work)
        message = body("delivery", handed_over(seeded.package, order_id=uuid4()))
        assert await consume_one(spec, message, 0, 5) is Verdict.DEAD_LETTER
        assert seeded.package.state is S.ORDER_ACKNOWLEDGED and seeded.world.store.history == []

    async def test_a_payload_the_producer_could_not_send_is_dead_lettered(self, seeded):
        seeded.at(S.ORDER_ACKNOWLEDGED, order=True)
        spec = delivery_events_consumer(seeded.world.unit_of_work)
        message = body("delivery", handed_over(seeded.package)).replace(
            b'"handed_over_at":"', b'"handed_over_at":"not a date'
        )
        assert await consume_one(spec, message, 0, 5) is Verdict.DEAD_LETTER
        assert seeded.package.state is S.ORDER_ACKNOWLEDGED

    async def test_the_completion_closes_the_package_once(self, seeded):
        seeded.at(S.HANDED_OVER, order=True)
        spec = delivery_events_consumer(seeded.world.unit_of_work)
        message = body("delivery", completed(seeded.package), sop_step="27")
        assert await consume_one(spec, message, 0, 5) is Verdict.APPLIED
        (entry,) = seeded.world.store.history
        assert (seeded.package.state, entry.from_state, entry.sop_step) == (
            S.CLOSED,
            "handed_over",
            "27",
        )
        assert await consume_one(spec, message, 0, 5) is Verdict.DUPLICATE
        assert len(seeded.world.store.history) == 1

    async def test_a_completion_of_a_cancelled_package_is_dead_lettered(self, seeded):
        seeded.at(S.CANCELLED, order=True)
        message = body("delivery", completed(seeded.package))
        spec = delivery_events_consumer(seeded.world.unit_of_work)
        assert await consume_one(spec, message, 0, 5) is Verdict.DEAD_LETTER
