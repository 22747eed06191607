"""Idempotent event consumers on FastStream, with bounded retries and dead letters.

- A message that is not a valid envelope, has an unknown type or an invalid payload is poison:
  it goes to the DLQ at once (never half-applied, never crashing the consumer).
- A handler that raises :class:`PermanentEventError` sends the message to the DLQ at once.
- A handler that fails because a dependency (its database) is unavailable is held and tried
  again with a growing delay for a bounded time (``CONSUMER_OUTAGE_SECONDS``, 15 minutes by
  default): an outage is waited out in order and never dead-letters anything.
- Any other handler error is retried by requeueing (``basic.reject(requeue=True)``, which every
  RabbitMQ version counts towards ``x-delivery-limit``) until ``delivery_limit`` deliveries,
  then dead-lettered. A ``nack`` with requeue is never used: it loops forever on RabbitMQ 4.3+.
- The handler's changes and the inbox record commit in one transaction; a duplicate is acked.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from faststream import AckPolicy
from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from pydantic import ValidationError

from epurchasing_shared import log_context, metrics
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.registry import UnknownEventType, parse_payload
from epurchasing_shared.db import is_unavailable
from epurchasing_shared.kernel.errors import PermanentEventError
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.tracing import continuing

log = logging.getLogger("epurchasing.consumer")

# A handler applies one event in the consumer's unit of work (the service's own, with its
# repositories): ``async def on_package_generated(uow, event, payload) -> None``.
EventHandler = Callable[[Any, CloudEvent, EventPayload], Awaitable[None]]

__all__ = [
    "ConsumerSpec",
    "EventHandler",
    "PermanentEventError",
    "Verdict",
    "consume_one",
    "consumer_broker",
    "register_consumer",
]


class PoisonMessage(Exception):
    pass


@dataclass(frozen=True)
class ConsumerSpec:
    service: str
    purpose: str
    handlers: Mapping[str, EventHandler]  # event type -> handler
    # The service's unit of work for a caller (the system, caused by the consumed event).
    unit_of_work: Callable[[Caller], UnitOfWork]

    @property
    def name(self) -> str:
        return f"{self.service}.{self.purpose}"


class Verdict(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    RETRY = "retry"  # requeued: counted towards the delivery limit
    DEAD_LETTER = "dead_letter"


def consumer_broker(amqp_url: str, logger: logging.Logger | None = None) -> RabbitBroker:
    """The FastStream broker of a service's consumers.

    ``prefetch_count=1`` per consumer: each queue's messages are handled one at a time, in
    the order the relay published them, so a consumer sees an order issued before its
    acknowledgement. (With several replicas of one service, order across replicas is not
    kept; consumers still lock the rows they change.)
    """
    return RabbitBroker(amqp_url, default_channel=Channel(prefetch_count=1), logger=logger)


def parse_envelope(
    body: bytes, allowed_types: Mapping[str, object]
) -> tuple[CloudEvent, EventPayload]:
    try:
        event = CloudEvent.model_validate_json(body)
        if event.type not in allowed_types:
            raise PoisonMessage(f"this consumer does not handle {event.type}")
        return event, parse_payload(event)
    except (ValidationError, UnknownEventType, ValueError) as error:
        raise PoisonMessage(str(error)[:500]) from error


def delivery_count(message: RabbitMessage) -> int:
    """How many times this message was delivered before (0 on the first delivery)."""
    count = (message.raw_message.headers or {}).get("x-delivery-count", 0)
    return count if isinstance(count, int) else 0


OUTAGE_FIRST_DELAY = 0.5
OUTAGE_MAX_DELAY = 30.0


async def consume_one(
    spec: ConsumerSpec,
    body: bytes,
    deliveries_before: int,
    limit: int,
    outage_seconds: float = 900.0,
) -> Verdict:
    """Apply one delivered message and say what to do with it (no broker involved, so a
    contract test can drive it with an in-memory unit of work).

    While a dependency is down (:func:`~epurchasing_shared.db.is_unavailable`), the message is
    held and tried again with a growing delay for up to ``outage_seconds``: an outage is waited
    out, in order, without counting towards the poison delivery limit.
    """
    try:
        event, payload = parse_envelope(body, spec.handlers)
    except PoisonMessage as error:
        log.error("%s: poison message to the DLQ: %s", spec.name, error)
        return Verdict.DEAD_LETTER
    waited, delay = 0.0, OUTAGE_FIRST_DELAY
    while True:
        try:
            verdict = await _apply(spec, event, payload)
        except Exception as error:
            if is_unavailable(error) and waited < outage_seconds:
                if waited == 0:
                    log.warning(
                        "%s: a dependency is unavailable (%s); holding %s %s and retrying",
                        spec.name,
                        type(error).__name__,
                        event.type,
                        event.id,
                    )
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, OUTAGE_MAX_DELAY)
                continue
            return _failed(spec, event, error, deliveries_before, limit)
        if waited:
            log.warning("%s: dependency back after %.1fs; %s applied", spec.name, waited, event.id)
        return verdict


async def _apply(spec: ConsumerSpec, event: CloudEvent, payload: EventPayload) -> Verdict:
    traceparent = getattr(event, "traceparent", None)
    with (
        log_context.scope(
            event_id=str(event.id), event_type=event.type, procurement_id=event.procurementid
        ),
        continuing(
            traceparent if isinstance(traceparent, str) else None,
            f"{spec.name} {event.type}",
            **{"messaging.system": "rabbitmq", "messaging.message.id": str(event.id)},
        ),
    ):
        return await _apply_in_span(spec, event, payload)


async def _apply_in_span(spec: ConsumerSpec, event: CloudEvent, payload: EventPayload) -> Verdict:
    try:
        async with spec.unit_of_work(Caller.system(causation_id=str(event.id))) as uow:
            if not await uow.first_delivery(spec.name, event):
                log.info("%s: duplicate %s %s skipped", spec.name, event.type, event.id)
                return Verdict.DUPLICATE
            await spec.handlers[event.type](uow, event, payload)
    except PermanentEventError as error:
        log.error("%s: %s %s cannot be applied: %s", spec.name, event.type, event.id, error)
        return Verdict.DEAD_LETTER
    metrics.handed_off(spec.name, event.type, event.time)
    return Verdict.APPLIED


def _failed(
    spec: ConsumerSpec, event: CloudEvent, error: Exception, deliveries_before: int, limit: int
) -> Verdict:
    attempt = deliveries_before + 1
    retry = attempt < limit
    log.error(
        "%s: %s %s failed (attempt %d of %d)%s: %s",
        spec.name,
        event.type,
        event.id,
        attempt,
        limit,
        "; requeued" if retry else "; to the DLQ",
        type(error).__name__,
        exc_info=error,
    )
    return Verdict.RETRY if retry else Verdict.DEAD_LETTER


def register_consumer(
    broker: RabbitBroker, *, spec: ConsumerSpec, topology: Topology, outage_seconds: float = 900.0
) -> None:
    queue_name = topology.queue(spec.service, spec.purpose)
    # declare=False: the queue and its bindings come from declare_topology (arguments must match).
    queue = RabbitQueue(queue_name, queue_type=QueueType.QUORUM, declare=False)

    @broker.subscriber(queue, ack_policy=AckPolicy.MANUAL, title=spec.name)
    async def consume(message: RabbitMessage) -> None:
        verdict = await consume_one(
            spec, message.body, delivery_count(message), topology.delivery_limit, outage_seconds
        )
        metrics.consumed(spec.name, verdict)
        if verdict is Verdict.RETRY:
            await message.reject(requeue=True)
        elif verdict is Verdict.DEAD_LETTER:
            await message.reject(requeue=False)
        else:
            await message.ack()
