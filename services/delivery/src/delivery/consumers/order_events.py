"""The consumer of ``delivery.on_order_events``: ordering's order events to use cases.

Inbox deduplication (same event id: no second effect) is done by the shared consumer.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from delivery.application.order_events import (
    acknowledge_order,
    follow_amendment,
    open_fulfilment,
)
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.messaging.consumer import ConsumerSpec, EventHandler
from epurchasing_shared.service import Runtime

P = TypeVar("P", bound=EventPayload)


def _handler(
    runtime: Runtime,
    use_case: Callable[[Runtime, AsyncSession, CloudEvent, P], Awaitable[None]],
    model: type[P],
) -> EventHandler:
    async def handle(session: AsyncSession, event: CloudEvent, payload: EventPayload) -> None:
        assert isinstance(payload, model)
        await use_case(runtime, session, event, payload)

    return handle


def order_events_consumer(runtime: Runtime) -> ConsumerSpec:
    return ConsumerSpec(
        service="delivery",
        purpose="on_order_events",
        handlers={
            OrderIssued.event_type: _handler(runtime, open_fulfilment, OrderIssued),
            OrderAcknowledged.event_type: _handler(runtime, acknowledge_order, OrderAcknowledged),
            OrderAmended.event_type: _handler(runtime, follow_amendment, OrderAmended),
        },
    )
