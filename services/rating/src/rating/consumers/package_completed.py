"""``rating.on_package_completed``: delivery.package_completed.v1 opens a pending rating."""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.messaging.consumer import ConsumerSpec
from epurchasing_shared.service import Runtime
from rating.application.open_rating import open_rating_for_completed_package


def package_completed_consumer(runtime: Runtime) -> ConsumerSpec:
    async def on_package_completed(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, PackageCompleted)
        await open_rating_for_completed_package(session, runtime, event, payload)

    return ConsumerSpec(
        service="rating",
        purpose="on_package_completed",
        handlers={PackageCompleted.event_type: on_package_completed},
    )
