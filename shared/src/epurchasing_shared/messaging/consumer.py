"""Idempotent event consumers on aio-pika: in order per procurement, in parallel across them.

- Every consumer queue has a single active consumer (``x-single-active-consumer``): one replica
  of the service consumes it at a time, the others wait as hot standbys and take over, from
  the oldest unacknowledged message, when it goes away.
- That replica takes up to ``CONSUMER_PREFETCH`` messages at once and puts each in the lane of
  its procurement (the envelope's ``procurementid``; else its ``subject``, e.g. a vendor; else
  one common lane): a lane applies its messages strictly in delivery order, one after the
  other; lanes run side by side (at most ``CONSUMER_CONCURRENCY`` handlers per process). Each
  message is acknowledged on its own once its transaction committed.
- A message that is not a valid envelope, has an unknown type or an invalid payload is poison:
  it goes to the DLQ at once (never half-applied, never crashing the consumer); so does one
  whose handler raises :class:`PermanentEventError`. The next one of its lane goes on.
- A handler that fails because a dependency (its database) is unavailable is held and tried
  again with a growing delay, holding its lane, for up to ``CONSUMER_OUTAGE_SECONDS`` (15
  minutes by default) from its delivery; longer, the consumer gives every message it holds
  back to the queue, in order, by closing its channel, and consumes again a little later.
- Any other handler error is tried again in the process, holding its lane, with a growing
  delay, until ``delivery_limit`` attempts (counting the broker's ``x-delivery-count``), then
  dead-lettered. Nothing is requeued one message at a time: that would put it behind messages
  of its procurement the process already holds.
- The handler's changes and the inbox record commit in one transaction; a duplicate (e.g. a
  message applied just before a connection loss returned it) is acknowledged and skipped.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    AbstractRobustConnection,
)
from aio_pika.exceptions import ChannelInvalidStateError
from aiormq.exceptions import ChannelLockedResource, ChannelNotFoundEntity
from pydantic import ValidationError

from epurchasing_shared import log_context, metrics
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.registry import UnknownEventType, parse_payload
from epurchasing_shared.db import is_unavailable
from epurchasing_shared.kernel.errors import PermanentEventError
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.messaging.sequencer import Sequencer
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.tracing import continuing

log = logging.getLogger("epurchasing.consumer")

# A handler applies one event in the consumer's unit of work (the service's own, with its
# repositories): ``async def on_package_generated(uow, event, payload) -> None``.
EventHandler = Callable[[Any, CloudEvent, EventPayload], Awaitable[None]]

__all__ = [
    "ConsumerSpec",
    "EventConsumers",
    "EventHandler",
    "PermanentEventError",
    "Verdict",
    "consume_one",
    "consumer_broker",
    "register_consumer",
    "sequencing_key",
]

DEFAULT_PREFETCH = 16
DEFAULT_CONCURRENCY = 8


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
    RETRY = "retry"  # tried again in the process: counted towards the delivery limit
    DEAD_LETTER = "dead_letter"
    # A dependency stayed unavailable for the whole outage wait: the consumer hands what it
    # holds back to the queue, in order (not counted by us; RabbitMQ 3.x counts the return).
    GIVE_BACK = "given_back"


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


def sequencing_key(body: bytes) -> Hashable:
    """The lane of a message: its procurement, else what it is about (``vendor/<id>``), else
    one common lane (events about neither, and bodies that are not an envelope: poison, which
    goes to the DLQ at once)."""
    try:
        envelope = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(envelope, dict):
        return ""
    for attribute in ("procurementid", "subject"):
        value = envelope.get(attribute)
        if isinstance(value, str) and value:
            return f"{attribute}:{value}"
    return ""


def delivery_count(message: AbstractIncomingMessage) -> int:
    """How many times this message was delivered before (0 on the first delivery)."""
    count = (message.headers or {}).get("x-delivery-count", 0)
    return count if isinstance(count, int) else 0


OUTAGE_FIRST_DELAY = 0.5
OUTAGE_MAX_DELAY = 30.0


async def consume_one(
    spec: ConsumerSpec,
    body: bytes,
    deliveries_before: int,
    limit: int,
    outage_seconds: float = 900.0,
    *,
    still_held: Callable[[], bool] | None = None,
) -> Verdict:
    """Apply one delivered message and say what to do with it (no broker involved, so a
    contract test can drive it with an in-memory unit of work).

    While a dependency is down (:func:`~epurchasing_shared.db.is_unavailable`), the message is
    held and tried again with a growing delay for up to ``outage_seconds``: an outage is waited
    out, in order, without counting towards the poison delivery limit. If it lasts longer (or
    ``still_held`` says the message is no longer this consumer's), :attr:`Verdict.GIVE_BACK`.
    """
    try:
        event, payload = parse_envelope(body, spec.handlers)
    except PoisonMessage as error:
        log.error("%s: poison message to the DLQ: %s", spec.name, error)
        return Verdict.DEAD_LETTER
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline, delay, held = started + outage_seconds, OUTAGE_FIRST_DELAY, False
    while True:
        try:
            verdict = await _apply(spec, event, payload)
        except Exception as error:
            if not is_unavailable(error):
                return _failed(spec, event, error, deliveries_before, limit)
            now = loop.time()
            if now >= deadline or (still_held is not None and not still_held()):
                log.warning(
                    "%s: a dependency is still unavailable (%s) after %.1fs; giving %s %s back",
                    spec.name,
                    type(error).__name__,
                    now - started,
                    event.type,
                    event.id,
                )
                return Verdict.GIVE_BACK
            if not held:
                held = True
                log.warning(
                    "%s: a dependency is unavailable (%s); holding %s %s and retrying",
                    spec.name,
                    type(error).__name__,
                    event.type,
                    event.id,
                )
            await asyncio.sleep(min(delay, deadline - now))
            delay = min(delay * 2, OUTAGE_MAX_DELAY)
            continue
        if held:
            log.warning(
                "%s: dependency back after %.1fs; %s applied",
                spec.name,
                loop.time() - started,
                event.id,
            )
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
        "; trying again" if retry else "; to the DLQ",
        type(error).__name__,
        exc_info=error,
    )
    return Verdict.RETRY if retry else Verdict.DEAD_LETTER


# In-process retries of a failing handler: the first pause, doubled up to the last.
RETRY_FIRST_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
# After giving back what it held, a consumer subscribes again after this pause.
GIVE_BACK_PAUSE = 5.0
# On stop, how long handlers in progress may take to finish before they are cancelled.
STOP_GRACE_SECONDS = 5.0
# How often a consumer waiting for the previous generation's queue looks again.
LEGACY_POLL_SECONDS = 2.0


class EventConsumers:
    """A process's consumers: one robust connection, a channel per queue, and the lanes.

    ``start`` connects and subscribes every registered consumer (after draining a queue of the
    previous generation, if one is left: see :class:`QueueConsumer`); the connection comes back
    by itself after the broker went away (aio-pika's robust connection re-opens the channels
    and subscribes again). ``stop`` lets handlers in progress finish for a few seconds, then
    closes the channels: what was not acknowledged goes back to the queue, in order.
    """

    def __init__(
        self,
        amqp_url: str,
        *,
        prefetch: int = DEFAULT_PREFETCH,
        concurrency: int = DEFAULT_CONCURRENCY,
        logger: logging.Logger | None = None,
    ) -> None:
        if prefetch < 1 or concurrency < 1:
            raise ValueError("prefetch and concurrency must be at least 1")
        self.amqp_url = amqp_url
        self.prefetch = prefetch
        self.limit = asyncio.Semaphore(concurrency)
        self.log = logger or log
        self.consumers: list[QueueConsumer] = []
        self._connection: AbstractRobustConnection | None = None

    def add(self, consumer: "QueueConsumer") -> None:
        self.consumers.append(consumer)

    async def start(self) -> None:
        connection = await aio_pika.connect_robust(self.amqp_url, timeout=10)
        try:
            legacy = await _existing_queues(
                self.amqp_url,
                [name for c in self.consumers for name in c.legacy_queues],
            )
            for consumer in self.consumers:
                await consumer.start(connection, [n for n in consumer.legacy_queues if n in legacy])
        except BaseException:
            for consumer in self.consumers:
                await consumer.stop()
            await connection.close()
            raise
        self._connection = connection

    async def stop(self) -> None:
        await asyncio.gather(*(consumer.stop() for consumer in self.consumers))
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def ping(self, timeout: float | None = None) -> bool:
        """Whether the connection is up (readiness)."""
        connection = self._connection
        if connection is None or connection.is_closed:
            return False
        try:
            async with asyncio.timeout(timeout):
                await connection.connected.wait()
        except TimeoutError:
            return False
        return True


async def _existing_queues(amqp_url: str, names: Sequence[str]) -> set[str]:
    """Which of ``names`` exist (a passive declare each; one that does not closes its channel)."""
    if not names:
        return set()
    found: set[str] = set()
    connection = await aio_pika.connect(amqp_url, timeout=10)
    async with connection:
        for name in names:
            channel = await connection.channel()
            try:
                await channel.declare_queue(name, passive=True)
            except ChannelNotFoundEntity:
                continue
            found.add(name)
            await channel.close()
    return found


class QueueConsumer:
    """The consumer of one queue in one process: subscriptions, lanes, acknowledgements.

    **The previous generation.** Queue arguments cannot change in place, so the queues with a
    single active consumer have new names (``<service>.<purpose>.sac``, declared and bound
    beside the old ``<service>.<purpose>`` by every service at start). While an old queue is
    left, a consumer drains it before it consumes the new one: it takes a lock (an exclusive
    queue ``<old>.sac.lock``, so one replica drains), waits until no consumer of the previous
    version is left on it (they keep consuming it meanwhile), consumes it with the same lanes,
    unbinds it, and deletes it once it is empty and nothing is held. Every event published
    since the new queue was bound is in both queues (the inbox skips the second copy), so the
    old queue's events come first and each procurement's order holds across the change.
    """

    def __init__(
        self,
        consumers: EventConsumers,
        spec: ConsumerSpec,
        topology: Topology,
        outage_seconds: float,
    ) -> None:
        self.consumers = consumers
        self.spec = spec
        self.topology = topology
        self.outage_seconds = outage_seconds
        self.queue_name = topology.queue(spec.service, spec.purpose)
        self.legacy_queues = topology.legacy_queues(spec.service, spec.purpose)
        self.lanes = Sequencer(consumers.limit)
        self.held = 0  # delivered and not yet settled or skipped
        self._generation = 0  # bumped on every (re)subscription and give-back
        self._stopping = False
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._background: asyncio.Task[None] | None = None
        self._pause: asyncio.Task[None] | None = None
        self._draining = False

    @property
    def event_types(self) -> tuple[str, ...]:
        try:
            return self.topology.consumer(self.spec.service, self.spec.purpose).event_types
        except LookupError:
            return tuple(self.spec.handlers)

    async def start(self, connection: AbstractRobustConnection, legacy: Sequence[str]) -> None:
        self._connection = connection
        self._stopping = False
        if legacy:
            self.consumers.log.warning(
                "%s: %s of the previous version is left; draining it before %s",
                self.spec.name,
                ", ".join(legacy),
                self.queue_name,
            )
            self._background = asyncio.create_task(self._retire_then_subscribe(list(legacy)))
        else:
            await self._subscribe()

    async def stop(self) -> None:
        self._stopping = True
        for task in (self._background, self._pause):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if not await self.lanes.idle(STOP_GRACE_SECONDS):
            self.consumers.log.warning(
                "%s: handlers still running after %ss; cancelled",
                self.spec.name,
                STOP_GRACE_SECONDS,
            )
            await self.lanes.cancel()
        await self._close_channel()

    # --- subscriptions ---------------------------------------------------------------------

    async def _subscribe(self) -> None:
        assert self._connection is not None
        channel = await self._connection.channel()
        try:
            await channel.set_qos(prefetch_count=self.consumers.prefetch)
            # Declared as declare_topology does (equal arguments), so that the robust channel
            # can declare it again when it re-opens after a connection loss.
            queue = await channel.declare_queue(
                self.queue_name,
                durable=True,
                arguments=self.topology.queue_arguments(self.queue_name),
            )
            self._generation += 1
            self._channel = channel
            await queue.consume(self._on_message)
        except BaseException:
            self._channel = None
            await channel.close()
            raise

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        # Synchronous up to submit: aio-pika starts one task per delivery, in delivery order,
        # so the lanes receive the messages in the order the broker delivered them.
        self.held += 1
        self.lanes.submit(
            sequencing_key(message.body),
            partial(self._handle, message, self._generation, asyncio.get_running_loop().time()),
        )

    def _is_current(self, message: AbstractIncomingMessage, generation: int) -> bool:
        """Whether the message is still this consumer's to settle: not given back, not
        stopping, and its channel open (else the broker has put it back in the queue)."""
        if generation != self._generation or self._stopping:
            return False
        try:
            return not message.channel.is_closed
        except ChannelInvalidStateError:
            return False

    async def _handle(
        self, message: AbstractIncomingMessage, generation: int, delivered_at: float
    ) -> None:
        try:
            if not self._is_current(message, generation):
                return  # given back: it comes again, in its place
            loop = asyncio.get_running_loop()
            deliveries, delay = delivery_count(message), RETRY_FIRST_DELAY
            while True:
                verdict = await consume_one(
                    self.spec,
                    message.body,
                    deliveries,
                    self.topology.delivery_limit,
                    max(delivered_at + self.outage_seconds - loop.time(), 0.0),
                    still_held=lambda: self._is_current(message, generation),
                )
                metrics.consumed(self.spec.name, verdict)
                if verdict is not Verdict.RETRY:
                    break
                deliveries += 1
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY)
                if not self._is_current(message, generation):
                    return
            if verdict is Verdict.GIVE_BACK:
                await self._give_back(generation)
                return
            await _settle(message, verdict, self.spec.name)
        finally:
            self.held -= 1

    async def _give_back(self, generation: int) -> None:
        """Hand every message held back to the queue, in order (closing the channel returns
        them; a standby replica may take over meanwhile), and subscribe again later."""
        if generation != self._generation or self._stopping:
            return  # already given back, or stopping
        self._generation += 1
        self.consumers.log.warning(
            "%s: giving the %d messages held back to their queue; consuming again in %ss",
            self.spec.name,
            self.held,
            GIVE_BACK_PAUSE,
        )
        await self._close_channel()
        if not self._draining:  # a drain notices its closed channel and tries again itself
            self._pause = asyncio.create_task(self._subscribe_later(GIVE_BACK_PAUSE))

    async def _subscribe_later(self, pause: float) -> None:
        while not self._stopping:
            await asyncio.sleep(pause)
            try:
                await self._subscribe()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.consumers.log.warning(
                    "%s: cannot subscribe to %s yet (%s)", self.spec.name, self.queue_name, error
                )
            pause = max(pause, GIVE_BACK_PAUSE)

    async def _close_channel(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None and not channel.is_closed:
            try:
                await channel.close()
            except Exception as error:  # already broken: the broker returned what it held
                self.consumers.log.debug("%s: closing its channel: %s", self.spec.name, error)

    # --- the previous generation -----------------------------------------------------------

    async def _retire_then_subscribe(self, legacy: list[str]) -> None:
        for name in legacy:
            attempt = 0
            while not await self._retired(name, say_why=attempt % 30 == 0):
                attempt += 1
                await asyncio.sleep(LEGACY_POLL_SECONDS)
        await self._subscribe_later(0)

    async def _retired(self, name: str, *, say_why: bool) -> bool:
        """One attempt at draining and deleting the old queue ``name``; True once it is gone."""
        say = self.consumers.log
        try:
            connection = await aio_pika.connect(self.consumers.amqp_url, timeout=10)
        except Exception as error:
            say.warning("%s: cannot reach the broker to drain %s (%s)", self.spec.name, name, error)
            return False
        self._draining = True
        try:
            async with connection:
                return await self._drain(connection, name, say_why=say_why)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            say.warning("%s: draining %s: %s; trying again", self.spec.name, name, error)
            return False
        finally:
            # What this attempt still held went back to the old queue with its connection.
            self._generation += 1
            self._channel = None
            self._draining = False

    async def _drain(self, connection: AbstractConnection, name: str, *, say_why: bool) -> bool:
        say = self.consumers.log
        lock = await connection.channel()
        try:
            # Exclusive: one connection may hold it at a time; it goes when that one closes.
            await lock.declare_queue(f"{name}.sac.lock", exclusive=True, auto_delete=True)
        except ChannelLockedResource:
            if say_why:
                say.warning("%s: another replica is draining %s; waiting", self.spec.name, name)
            return False
        probe = await connection.channel()
        try:
            old = await probe.declare_queue(name, passive=True)
        except ChannelNotFoundEntity:
            return True
        if old.declaration_result.consumer_count:
            if say_why:
                say.warning(
                    "%s: waiting for the %d consumers of %s (replicas of the previous version) "
                    "to stop before draining it",
                    self.spec.name,
                    old.declaration_result.consumer_count,
                    name,
                )
            return False
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self.consumers.prefetch)
        queue = await channel.get_queue(name, ensure=False)
        self._generation += 1
        self._channel = channel
        tag = await queue.consume(self._on_message)
        for event_type in self.event_types:  # from now on new events reach the new queue only
            await queue.unbind(self.topology.exchange, event_type)
        while True:
            await asyncio.sleep(0.2)
            if channel.is_closed:  # given back (an outage), or the connection broke
                return False
            if self.held:
                continue
            state = (await probe.declare_queue(name, passive=True)).declaration_result
            if state.message_count == 0 and not self.held:
                break
        await queue.cancel(tag)
        # Quorum queues refuse if-unused / if-empty on delete (NOT_IMPLEMENTED, which closes
        # the connection); both were checked above, under the lock.
        await probe.queue_delete(name)
        say.warning(
            "%s: %s drained and deleted; consuming %s", self.spec.name, name, self.queue_name
        )
        return True


async def _settle(message: AbstractIncomingMessage, verdict: Verdict, consumer: str) -> None:
    try:
        if verdict is Verdict.DEAD_LETTER:
            await message.reject(requeue=False)
        else:
            await message.ack()
    except Exception as error:  # the channel went away: the broker has it again
        log.info(
            "%s: could not settle %s (%s); it comes again and the inbox skips it if applied",
            consumer,
            message.message_id,
            type(error).__name__,
        )


def consumer_broker(
    amqp_url: str,
    logger: logging.Logger | None = None,
    *,
    prefetch: int = DEFAULT_PREFETCH,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> EventConsumers:
    """The consumers of a service process (register them, then ``start``)."""
    return EventConsumers(amqp_url, prefetch=prefetch, concurrency=concurrency, logger=logger)


def register_consumer(
    broker: EventConsumers,
    *,
    spec: ConsumerSpec,
    topology: Topology,
    outage_seconds: float = 900.0,
) -> None:
    broker.add(QueueConsumer(broker, spec, topology, outage_seconds))
