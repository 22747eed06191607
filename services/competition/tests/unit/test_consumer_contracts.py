"""Consumer contract tests: each consumer fed an event built with its producer's contract and
serialised as the outbox relay does, through ``consume_one`` on the in-memory unit of work."""

from datetime import UTC, date, datetime
from uuid import uuid4

from competition.consumers import consumer_specs
from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, EventPayload, make_event
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.messaging.consumer import ConsumerSpec, Verdict, consume_one

from .world import OFFICIAL, World

AT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def spec(world: World, purpose: str) -> ConsumerSpec:
    return next(s for s in consumer_specs(world.uow) if s.purpose == purpose)


def body(producer: str, payload: EventPayload, **kw) -> bytes:
    event = make_event(service=producer, payload=payload, procurement_id=None, time=AT, **kw)
    return event.model_dump_json(exclude_none=True).encode()


def broken(message: bytes, field: str) -> bytes:
    """The same event without a field its producer always sends."""
    import json

    data = json.loads(message)
    del data["data"][field]
    return json.dumps(data).encode()


class TestOnBlacklist:
    async def test_an_entry_and_its_lift_are_kept_once(self, world: World):
        consumer, vendor_id = spec(world, "on_blacklist"), uuid4()
        entry = VendorBlacklisted(
            entry_id=uuid4(),
            vendor_id=vendor_id,
            reason="falsified documents",
            decree_reference="SK-7",
            starts_on=date(2026, 3, 1),
            recorded_at=AT,
        )
        message = body("rating", entry)
        assert await consume_one(consumer, message, 0, 5) is Verdict.APPLIED
        assert await consume_one(consumer, message, 0, 5) is Verdict.DUPLICATE
        (row,) = world.store.table("blacklist").values()
        assert row["vendor_id"] == vendor_id and row["reason"] == "falsified documents"
        lift = VendorBlacklistLifted(
            entry_id=entry.entry_id, vendor_id=vendor_id, reason="appeal", lifted_at=AT
        )
        assert await consume_one(consumer, body("rating", lift), 0, 5) is Verdict.APPLIED
        assert row["lifted_at"] == AT

    async def test_an_entry_without_its_vendor_is_dead_lettered(self, world: World):
        entry = VendorBlacklisted(
            entry_id=uuid4(),
            vendor_id=uuid4(),
            reason="r",
            decree_reference="SK",
            starts_on=date(2026, 3, 1),
            recorded_at=AT,
        )
        message = broken(body("rating", entry), "vendor_id")
        assert await consume_one(spec(world, "on_blacklist"), message, 0, 5) is Verdict.DEAD_LETTER
        assert world.store.table("blacklist") == {}


async def generated(world: World):
    vendor, product = await world.vendor()
    competition_id = await world.evaluated(vendor, product)
    from competition.application import results

    await results.publish_competition(world.uow, world.asks(OFFICIAL), competition_id)
    done = await results.generate_package(world.uow, world.asks(OFFICIAL), competition_id)
    return done.body, vendor


class TestOnPackageCancelled:
    async def test_the_request_is_reopened_once_with_step_20(self, world: World):
        competition, _ = await generated(world)
        cancelled = PackageCancelled(
            package_id=competition["package_id"],
            purchase_request_id=competition["purchase_request_id"],
            competition_id=competition["id"],
            reason="wrong specification",
            cancelled_at=AT,
        )
        ppk = Actor(id="ppk-1", role="ppk")
        message = body("ordering", cancelled, actor=ppk, sop_step="20")
        consumer = spec(world, "on_package_cancelled")
        assert await consume_one(consumer, message, 0, 5) is Verdict.APPLIED
        assert await consume_one(consumer, message, 0, 5) is Verdict.DUPLICATE
        reopened = [
            h for h in world.store.history if h.to_state == "accepted" and h.sop_step == "20"
        ]
        assert len(reopened) == 1 and reopened[0].actor == ppk

    async def test_an_unknown_package_is_dead_lettered(self, world: World):
        cancelled = PackageCancelled(
            package_id=uuid4(),
            purchase_request_id=uuid4(),
            competition_id=uuid4(),
            reason="x",
            cancelled_at=AT,
        )
        before = world.snapshot()
        consumer = spec(world, "on_package_cancelled")
        assert await consume_one(consumer, body("ordering", cancelled), 0, 5) is Verdict.DEAD_LETTER
        assert (
            await consume_one(consumer, broken(body("ordering", cancelled), "reason"), 0, 5)
            is Verdict.DEAD_LETTER
        )
        assert world.unchanged(before)


class TestOnPackageCompleted:
    def completed(self, package_id) -> PackageCompleted:
        return PackageCompleted(
            package_id=package_id,
            order_id=uuid4(),
            order_number="SP-1",
            vendor=VendorRef(id=uuid4(), name="V", email="v@v.example.id"),
            ppk=Party(id="ppk-1", name="Budi"),
            work_unit="dinkes",
            order_total=1,
            promised_delivery_date=date(2026, 4, 1),
            actual_delivery_date=date(2026, 4, 1),
            on_time=True,
            completed_at=AT,
        )

    async def test_the_request_is_fulfilled_once_with_step_27(self, world: World):
        competition, _ = await generated(world)
        message = body("delivery", self.completed(competition["package_id"]))
        consumer = spec(world, "on_package_completed")
        assert await consume_one(consumer, message, 0, 5) is Verdict.APPLIED
        assert await consume_one(consumer, message, 0, 5) is Verdict.DUPLICATE
        fulfilled = [h for h in world.store.history if h.action == "fulfil"]
        assert [(h.to_state, h.sop_step) for h in fulfilled] == [("fulfilled", "27")]

    async def test_a_package_of_no_competition_here_is_dead_lettered(self, world: World):
        consumer = spec(world, "on_package_completed")
        message = body("delivery", self.completed(uuid4()))
        assert await consume_one(consumer, message, 0, 5) is Verdict.DEAD_LETTER
        assert await consume_one(consumer, broken(message, "order_number"), 0, 5) is (
            Verdict.DEAD_LETTER
        )
        assert world.store.history == []
