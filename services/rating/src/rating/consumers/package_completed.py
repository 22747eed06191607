"""``rating.on_package_completed``: delivery.package_completed.v1 opens a pending rating."""

from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.messaging.consumer import ConsumerSpec
from rating.application.open_rating import open_rating_for_completed_package
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory


async def on_package_completed(
    uow: RatingUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    assert isinstance(payload, PackageCompleted)
    await open_rating_for_completed_package(uow, event, payload)


def package_completed_consumer(unit_of_work: UnitOfWorkFactory) -> ConsumerSpec:
    return ConsumerSpec(
        service="rating",
        purpose="on_package_completed",
        handlers={PackageCompleted.event_type: on_package_completed},
        unit_of_work=unit_of_work,
    )
