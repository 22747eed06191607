"""The messaging topology of events.md, declared idempotently by every service at start-up.

Every service declares *all* consumer queues, not just its own: an event published before its
consumer's service first started must wait in that consumer's queue, not be lost. Events no
service consumes go through the exchange's alternate exchange to a bounded ``unrouted`` queue,
so ``mandatory`` publishing fails only when the topology itself is broken.

Each consumer queue (``<service>.<purpose>.sac``) has a single active consumer: one replica
consumes it at a time, applying each procurement's events in order (docs/consumers.md).
"""

from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange


@dataclass(frozen=True)
class ConsumerQueue:
    """One consumer purpose: a quorum queue bound to the exact event types it handles, with a
    single active consumer among the replicas (docs/consumers.md)."""

    service: str
    purpose: str
    event_types: tuple[str, ...]


# The consumers of events.md's catalogue. Adding a consumer means adding it here.
CONSUMER_QUEUES: tuple[ConsumerQueue, ...] = (
    ConsumerQueue(
        "competition",
        "on_blacklist",
        ("rating.vendor_blacklisted.v1", "rating.vendor_blacklist_lifted.v1"),
    ),
    ConsumerQueue("competition", "on_package_cancelled", ("ordering.package_cancelled.v1",)),
    ConsumerQueue("ordering", "on_package_generated", ("competition.package_generated.v1",)),
    ConsumerQueue(
        "delivery",
        "on_order_events",
        (
            "ordering.order_issued.v1",
            "ordering.order_acknowledged.v1",
            "ordering.order_amended.v1",
        ),
    ),
    ConsumerQueue("rating", "on_package_completed", ("delivery.package_completed.v1",)),
    ConsumerQueue(
        "ordering",
        "on_delivery_events",
        ("delivery.goods_handed_over.v1", "delivery.package_completed.v1"),
    ),
    ConsumerQueue("competition", "on_package_completed", ("delivery.package_completed.v1",)),
)


# The consumer queues' name suffix: ``<service>.<purpose>.sac``. Queue arguments cannot change
# on an existing queue, so the queues with ``x-single-active-consumer`` got new names; the
# earlier generation (the bare ``<service>.<purpose>``, no single active consumer) is drained
# and deleted by the consumers of the new one (``LEGACY_QUEUE_SUFFIXES``, docs/consumers.md).
QUEUE_SUFFIX = ".sac"
LEGACY_QUEUE_SUFFIXES: tuple[str, ...] = ("",)

# Dead-letter queues are classic queues: a quorum queue counts every message an operator's
# `dlq list` returns to it, and from RabbitMQ 4.0 drops it after 20 (the default delivery
# limit); a classic queue has no delivery limit on any version and keeps returned messages in
# their place. Nothing consumes a DLQ, so the quorum queue's replication buys little here.
DEAD_LETTER_QUEUE_ARGUMENTS: dict[str, Any] = {"x-queue-type": "classic"}


@dataclass(frozen=True)
class Topology:
    prefix: str = ""
    delivery_limit: int = 5
    consumers: tuple[ConsumerQueue, ...] = field(default=CONSUMER_QUEUES)
    unrouted_max_length: int = 10_000

    @property
    def exchange(self) -> str:
        return f"{self.prefix}epurchasing.events"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.prefix}epurchasing.dlx"

    @property
    def unrouted_exchange(self) -> str:
        return f"{self.prefix}epurchasing.unrouted"

    @property
    def unrouted_queue(self) -> str:
        return f"{self.prefix}epurchasing.unrouted"

    def queue(self, service: str, purpose: str) -> str:
        """The consumer queue of ``service.purpose`` (the consumer's name, which the inbox
        records, stays ``service.purpose``)."""
        return f"{self.prefix}{service}.{purpose}{QUEUE_SUFFIX}"

    def legacy_queues(self, service: str, purpose: str) -> tuple[str, ...]:
        """The names earlier versions consumed ``service.purpose`` from (to drain, then delete)."""
        return tuple(f"{self.prefix}{service}.{purpose}{s}" for s in LEGACY_QUEUE_SUFFIXES)

    def dead_letter_routing_key(self, queue: str) -> str:
        """The key a consumer queue dead-letters with: ``<prefix><service>.<purpose>``, the same
        for every generation of the queue, so one DLQ collects them all."""
        return queue.removesuffix(QUEUE_SUFFIX)

    def dead_letter_queue(self, queue: str) -> str:
        """``<prefix><service>.<purpose>.dlq``, of the consumer queue (either generation)."""
        return f"{self.dead_letter_routing_key(queue)}.dlq"

    def consumer(self, service: str, purpose: str) -> ConsumerQueue:
        for consumer in self.consumers:
            if (consumer.service, consumer.purpose) == (service, purpose):
                return consumer
        raise LookupError(f"no consumer queue {service}.{purpose} in the topology")

    def queue_arguments(self, queue: str) -> dict[str, Any]:
        return {
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": self.dead_letter_routing_key(queue),
            # Explicit: RabbitMQ before 4.0 has no default limit on quorum queues.
            "x-delivery-limit": self.delivery_limit,
            # One replica consumes the queue at a time, the others wait as hot standbys; that
            # one applies each procurement's events in order (docs/consumers.md).
            "x-single-active-consumer": True,
        }

    def all_queue_names(self) -> list[str]:
        names = [self.unrouted_queue]
        for consumer in self.consumers:
            queue = self.queue(consumer.service, consumer.purpose)
            names += [queue, self.dead_letter_queue(queue)]
        return names


async def declare_topology(channel: AbstractChannel, topology: Topology) -> AbstractExchange:
    """Declare exchanges, queues and bindings; safe to run any number of times."""
    unrouted = await channel.declare_exchange(
        topology.unrouted_exchange, aio_pika.ExchangeType.FANOUT, durable=True
    )
    unrouted_queue = await channel.declare_queue(
        topology.unrouted_queue,
        durable=True,
        arguments={"x-max-length": topology.unrouted_max_length, "x-overflow": "drop-head"},
    )
    await unrouted_queue.bind(unrouted)
    events = await channel.declare_exchange(
        topology.exchange,
        aio_pika.ExchangeType.TOPIC,
        durable=True,
        arguments={"alternate-exchange": topology.unrouted_exchange},
    )
    dlx = await channel.declare_exchange(
        topology.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
    )
    for consumer in topology.consumers:
        name = topology.queue(consumer.service, consumer.purpose)
        dead_letters = await channel.declare_queue(
            topology.dead_letter_queue(name),
            durable=True,
            arguments=DEAD_LETTER_QUEUE_ARGUMENTS,
        )
        await dead_letters.bind(dlx, routing_key=topology.dead_letter_routing_key(name))
        queue = await channel.declare_queue(
            name, durable=True, arguments=topology.queue_arguments(name)
        )
        for event_type in consumer.event_types:
            await queue.bind(events, routing_key=event_type)
    return events


async def delete_topology(channel: AbstractChannel, topology: Topology) -> None:
    """Remove a (test run's) prefixed topology."""
    for name in topology.all_queue_names():
        await channel.queue_delete(name)
    for name in (topology.exchange, topology.dead_letter_exchange, topology.unrouted_exchange):
        await channel.exchange_delete(name)
