"""Consumer of delivery's handover and completion (queue ``ordering.on_delivery_events``).

One queue for both events, handled one at a time in publication order, so the handover is
always applied before the completion of the same package.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.delivery import GoodsHandedOver, PackageCompleted
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.messaging.consumer import ConsumerSpec, PermanentEventError
from epurchasing_shared.service import Runtime
from ordering.application.delivery_events import (
    DeliveryFactRefused,
    close_package,
    record_handover,
)


def delivery_events_consumer(runtime: Runtime) -> ConsumerSpec:
    """Redeliveries are no-ops; an unknown package or order goes to the DLQ at once."""

    async def on_goods_handed_over(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        if not isinstance(payload, GoodsHandedOver):
            raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
        try:
            await record_handover(session, runtime, event, payload)
        except DeliveryFactRefused as error:
            raise PermanentEventError(str(error)) from error

    async def on_package_completed(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        if not isinstance(payload, PackageCompleted):
            raise PermanentEventError(f"unexpected payload {type(payload).__name__}")
        try:
            await close_package(session, runtime, event, payload)
        except DeliveryFactRefused as error:
            raise PermanentEventError(str(error)) from error

    return ConsumerSpec(
        service="ordering",
        purpose="on_delivery_events",
        handlers={
            GoodsHandedOver.event_type: on_goods_handed_over,
            PackageCompleted.event_type: on_package_completed,
        },
    )
