"""Consumer of ``competition.package_generated.v1`` (queue ``ordering.on_package_generated``)."""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.competition import PackageGenerated
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.messaging.consumer import ConsumerSpec, PermanentEventError
from epurchasing_shared.service import Runtime
from ordering.application.receive_package import receive_package


def package_generated_consumer(runtime: Runtime) -> ConsumerSpec:
    """The inbox dedupes redeliveries; the package id guards against a re-sent package."""

    async def on_package_generated(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        if not isinstance(payload, PackageGenerated):
            raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
        if not payload.lines:
            raise PermanentEventError(f"package {payload.package_id} has no lines")
        await receive_package(session, runtime, event, payload)

    return ConsumerSpec(
        service="ordering",
        purpose="on_package_generated",
        handlers={PackageGenerated.event_type: on_package_generated},
    )
