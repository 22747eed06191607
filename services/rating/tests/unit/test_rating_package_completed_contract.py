"""Contract: delivery.package_completed.v1 as delivery builds it and the relay sends it."""

import json
from datetime import UTC, date, datetime
from uuid import uuid4

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, make_event
from epurchasing_shared.messaging.consumer import Verdict, consume_one
from rating.consumers.package_completed import package_completed_consumer

from .fakes import unit_of_work


def body_of(procurement_id, package_id, vendor_id) -> bytes:
    """Built with the producer's contract, serialised as the outbox relay does."""
    payload = PackageCompleted(
        package_id=package_id,
        order_id=uuid4(),
        order_number="SP-2026-001",
        vendor=VendorRef(id=vendor_id, name="CV Sumber Makmur"),
        ppk=Party(id="ppk-1", name="Budi"),
        work_unit="dinkes",
        order_total=12_500_000,
        promised_delivery_date=date(2026, 2, 20),
        actual_delivery_date=date(2026, 2, 23),
        on_time=False,
        completed_at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
    )
    event = make_event(
        service="delivery",
        payload=payload,
        procurement_id=procurement_id,
        time=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
        actor=Actor(id="ppk-1", role="ppk"),
        sop_step="27",
    )
    return event.model_dump_json(exclude_none=True).encode()


class TestPackageCompletedContract:
    async def test_opens_one_rating_and_skips_the_redelivery(self, store, clock):
        spec = package_completed_consumer(unit_of_work(store, clock))
        procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
        body = body_of(procurement_id, package_id, vendor_id)

        assert await consume_one(spec, body, 0, 5) is Verdict.APPLIED
        [rating] = store.table("ratings").values()
        assert (rating.state, rating.package.package_id, rating.package.vendor_id) == (
            "pending",
            package_id,
            vendor_id,
        )
        assert (rating.package.procurement_id, rating.package.on_time) == (procurement_id, False)
        assert [h.action for h in store.history] == ["open_rating"]

        assert await consume_one(spec, body, 1, 5) is Verdict.DUPLICATE
        assert (len(store.table("ratings")), len(store.history)) == (1, 1)

    def malformed(self, body: bytes, change) -> bytes:
        envelope = json.loads(body)
        change(envelope)
        return json.dumps(envelope).encode()

    async def test_dead_letters_what_the_producer_could_not_have_sent(self, store, clock):
        spec = package_completed_consumer(unit_of_work(store, clock))
        body = body_of(uuid4(), uuid4(), uuid4())
        for broken in (
            self.malformed(body, lambda e: e["data"].pop("vendor")),
            self.malformed(body, lambda e: e["data"].update(on_time="maybe")),
            self.malformed(body, lambda e: e.pop("procurementid")),
            b"not json",
        ):
            assert await consume_one(spec, broken, 0, 5) is Verdict.DEAD_LETTER
        assert (store.table("ratings"), store.history, store.inbox) == ({}, [], set())
