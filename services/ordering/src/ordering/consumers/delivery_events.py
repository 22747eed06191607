"""Consumer of delivery's handover and completion (queue ``ordering.on_delivery_events``).

One queue for both events, handled one at a time in publication order, so the handover is
always applied before the completion of the same package. Redeliveries are no-ops; an
unknown package or order goes to the DLQ at once.
"""

from collections.abc import Callable

from epurchasing_shared.contracts.delivery import GoodsHandedOver, PackageCompleted
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec, PermanentEventError
from ordering.application.delivery_events import close_package, record_handover
from ordering.application.ports import OrderingUnitOfWork


async def on_goods_handed_over(
    uow: OrderingUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    if not isinstance(payload, GoodsHandedOver):
        raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
    await record_handover(uow, event, payload)


async def on_package_completed(
    uow: OrderingUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    if not isinstance(payload, PackageCompleted):
        raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
    await close_package(uow, event, payload)


def delivery_events_consumer(unit_of_work: Callable[[Caller], OrderingUnitOfWork]) -> ConsumerSpec:
    return ConsumerSpec(
        service="ordering",
        purpose="on_delivery_events",
        handlers={
            GoodsHandedOver.event_type: on_goods_handed_over,
            PackageCompleted.event_type: on_package_completed,
        },
        unit_of_work=unit_of_work,
    )
