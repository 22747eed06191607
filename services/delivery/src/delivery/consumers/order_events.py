"""The consumer of ``delivery.on_order_events``: ordering's order events to use cases.

Inbox deduplication (same event id: no second effect) is done by the shared consumer, in the
same unit of work as the use case.
"""

from delivery.application.order_events import (
    acknowledge_order,
    follow_amendment,
    open_fulfilment,
)
from delivery.application.ports import DeliveryUnitOfWork, UnitOfWorkFactory
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.messaging.consumer import ConsumerSpec


def order_events_consumer(unit_of_work: UnitOfWorkFactory, grace_seconds: float) -> ConsumerSpec:
    """``grace_seconds``: how long an acknowledgement or addendum waits for its order_issued."""

    async def on_order_issued(
        uow: DeliveryUnitOfWork, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, OrderIssued)
        await open_fulfilment(uow, event, payload)

    async def on_order_acknowledged(
        uow: DeliveryUnitOfWork, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, OrderAcknowledged)
        await acknowledge_order(uow, event, payload, grace_seconds)

    async def on_order_amended(
        uow: DeliveryUnitOfWork, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, OrderAmended)
        await follow_amendment(uow, event, payload, grace_seconds)

    return ConsumerSpec(
        service="delivery",
        purpose="on_order_events",
        handlers={
            OrderIssued.event_type: on_order_issued,
            OrderAcknowledged.event_type: on_order_acknowledged,
            OrderAmended.event_type: on_order_amended,
        },
        unit_of_work=unit_of_work,
    )
