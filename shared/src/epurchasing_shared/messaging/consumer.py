"""Idempotent event consumers on FastStream, with bounded retries and dead letters.

- A message that is not a valid envelope, has an unknown type or an invalid payload is poison:
  it goes to the DLQ at once (never half-applied, never crashing the consumer).
- A handler that raises :class:`PermanentEventError` sends the message to the DLQ at once.
- Any other handler error is retried by requeueing (``basic.reject(requeue=True)``, which every
  RabbitMQ version counts towards ``x-delivery-limit``) until ``delivery_limit`` deliveries,
  then dead-lettered. A ``nack`` with requeue is never used: it loops forever on RabbitMQ 4.3+.
- The handler's changes and the inbox record commit in one transaction; a duplicate is acked.
"""

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from faststream import AckPolicy
from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.registry import UnknownEventType, parse_payload
from epurchasing_shared.messaging.inbox import first_delivery
from epurchasing_shared.messaging.topology import Topology

log = logging.getLogger("epurchasing.consumer")

EventHandler = Callable[[AsyncSession, CloudEvent, EventPayload], Awaitable[None]]


class PermanentEventError(Exception):
    """The event can never be applied: dead-letter it without retrying."""


class PoisonMessage(Exception):
    pass


@dataclass(frozen=True)
class ConsumerSpec:
    service: str
    purpose: str
    handlers: Mapping[str, EventHandler]  # event type -> handler


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


def register_consumer(
    broker: RabbitBroker,
    *,
    spec: ConsumerSpec,
    topology: Topology,
    session_factory: async_sessionmaker[AsyncSession],
    inbox: Table,
    clock: Clock,
) -> None:
    queue_name = topology.queue(spec.service, spec.purpose)
    consumer_name = f"{spec.service}.{spec.purpose}"
    # declare=False: the queue and its bindings come from declare_topology (arguments must match).
    queue = RabbitQueue(queue_name, queue_type=QueueType.QUORUM, declare=False)

    @broker.subscriber(queue, ack_policy=AckPolicy.MANUAL, title=consumer_name)
    async def consume(message: RabbitMessage) -> None:
        try:
            event, payload = parse_envelope(message.body, spec.handlers)
        except PoisonMessage as error:
            log.error(
                "%s: poison message %s to the DLQ: %s", consumer_name, message.message_id, error
            )
            await message.reject(requeue=False)
            return
        try:
            async with session_factory() as session, session.begin():
                if await first_delivery(session, inbox, consumer_name, event, clock.now()):
                    await spec.handlers[event.type](session, event, payload)
                else:
                    log.info("%s: duplicate %s %s skipped", consumer_name, event.type, event.id)
        except PermanentEventError as error:
            log.error("%s: %s %s cannot be applied: %s", consumer_name, event.type, event.id, error)
            await message.reject(requeue=False)
            return
        except Exception:
            attempt = delivery_count(message) + 1
            retry = attempt < topology.delivery_limit
            log.exception(
                "%s: %s %s failed (attempt %d of %d)%s",
                consumer_name,
                event.type,
                event.id,
                attempt,
                topology.delivery_limit,
                "; requeued" if retry else "; to the DLQ",
            )
            await message.reject(requeue=retry)
            return
        await message.ack()
