"""Use case of the consumer: a completed package opens one pending rating for its PPK."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, make_event
from epurchasing_shared.kernel.errors import PermanentEventError
from epurchasing_shared.kernel.unit_of_work import Caller
from rating.application.open_rating import open_rating_for_completed_package

from .fakes import START, unit_of_work


def completed(package_id, vendor_id) -> PackageCompleted:
    return PackageCompleted(
        package_id=package_id,
        order_id=uuid4(),
        order_number="SP-1",
        vendor=VendorRef(id=vendor_id, name="CV Sumber Makmur"),
        ppk=Party(id="ppk-1", name="Budi"),
        work_unit="dinkes",
        order_total=12_500_000,
        promised_delivery_date=date(2026, 2, 20),
        actual_delivery_date=date(2026, 2, 19),
        on_time=True,
        completed_at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
    )


def event_of(payload, procurement_id):
    return make_event(
        service="delivery",
        payload=payload,
        procurement_id=procurement_id,
        time=START,
        actor=Actor(id="ppk-1", role="ppk"),
        sop_step="27",
    )


class TestOpenRating:
    async def test_opens_a_pending_rating_into_the_procurement_history(self, store, clock):
        procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
        payload = completed(package_id, vendor_id)
        event = event_of(payload, procurement_id)
        async with unit_of_work(store, clock)(Caller.system(str(event.id))) as uow:
            assert await open_rating_for_completed_package(uow, event, payload) is True
        [rating] = store.table("ratings").values()
        assert (rating.state, rating.version, rating.opened_at) == ("pending", 1, START)
        assert (rating.package.procurement_id, rating.package.ppk_id) == (procurement_id, "ppk-1")
        [entry] = store.history
        assert (entry.action, entry.from_state, entry.to_state, entry.sop_step) == (
            "open_rating",
            None,
            "pending",
            "27",
        )
        assert (entry.actor.id, entry.actor.role) == ("ppk-1", "ppk")
        assert entry.reason == f"package {package_id} completed (event {event.id})"
        assert store.events == []

    async def test_a_package_is_opened_once_even_under_another_event_id(self, store, clock):
        procurement_id, payload = uuid4(), completed(uuid4(), uuid4())
        for _ in range(2):
            event = event_of(payload, procurement_id)
            async with unit_of_work(store, clock)(Caller.system(str(event.id))) as uow:
                opened = await open_rating_for_completed_package(uow, event, payload)
        assert opened is False
        assert (len(store.table("ratings")), len(store.history)) == (1, 1)

    async def test_a_completion_without_a_procurement_can_never_apply(self, store, clock):
        payload = completed(uuid4(), uuid4())
        event = event_of(payload, None)
        with pytest.raises(PermanentEventError):
            async with unit_of_work(store, clock)(Caller.system(str(event.id))) as uow:
                await open_rating_for_completed_package(uow, event, payload)
        assert (store.table("ratings"), store.history) == ({}, [])
