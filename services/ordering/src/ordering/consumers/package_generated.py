"""Consumer of ``competition.package_generated.v1`` (queue ``ordering.on_package_generated``)."""

from collections.abc import Callable

from epurchasing_shared.contracts.competition import PackageGenerated
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec, PermanentEventError
from ordering.application.ports import OrderingUnitOfWork
from ordering.application.receive_package import receive_package


async def on_package_generated(
    uow: OrderingUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    """The inbox dedupes redeliveries; the package id guards against a re-sent package."""
    if not isinstance(payload, PackageGenerated):
        raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
    await receive_package(uow, event, payload)


def package_generated_consumer(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork],
) -> ConsumerSpec:
    return ConsumerSpec(
        service="ordering",
        purpose="on_package_generated",
        handlers={PackageGenerated.event_type: on_package_generated},
        unit_of_work=unit_of_work,
    )
