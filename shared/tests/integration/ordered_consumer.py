"""A consumer whose effects show their order: each effect row of a procurement records the
highest sequence number of that procurement it saw already applied. Used in this process and,
run as a script, as a separate consumer process a test can kill:

    python ordered_consumer.py <database url> <amqp url> <topology prefix> <name> [prefetch]
"""

import asyncio
import random
import signal
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import aio_pika
from sqlalchemy import MetaData, text

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload, make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.db import Sessions, make_engine, make_session_factory
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import (
    ConsumerSpec,
    EventConsumers,
    consumer_broker,
    register_consumer,
)
from epurchasing_shared.messaging.relay import amqp_message
from epurchasing_shared.messaging.topology import ConsumerQueue, Topology
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.spine import SpineTables, add_spine_tables

TYPE = "rating.vendor_blacklisted.v1"
SERVICE, PURPOSE = "spine_order", "on_events"
TABLE = "ordered_effects"
CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigserial PRIMARY KEY,
    prefix text NOT NULL,
    procurement text NOT NULL,
    seq integer NOT NULL,
    previous integer NOT NULL,
    consumer text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
)"""


def topology(prefix: str) -> Topology:
    return Topology(
        prefix=prefix, delivery_limit=3, consumers=(ConsumerQueue(SERVICE, PURPOSE, (TYPE,)),)
    )


def numbered(procurement: UUID, seq: int) -> CloudEvent:
    """Event ``seq`` of ``procurement`` (the number travels in the payload's reason)."""
    payload = VendorBlacklisted(
        entry_id=uuid4(),
        vendor_id=uuid4(),
        reason=f"seq {seq}",
        decree_reference="SK-1/2026",
        starts_on=date(2026, 1, 1),
        recorded_at=datetime.now(UTC),
    )
    return make_event(
        service="rating", payload=payload, procurement_id=procurement, time=datetime.now(UTC)
    )


def interleaved(procurements: int, each: int) -> list[CloudEvent]:
    """``each`` events of every procurement, the procurements interleaved, each in order."""
    owners = [uuid4() for _ in range(procurements)]
    return [numbered(owner, seq) for seq in range(each) for owner in owners]


async def publish(amqp_url: str, exchange: str, events: list[CloudEvent]) -> None:
    """As the relay publishes: persistent, confirmed, correlation id = the procurement."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        target = await channel.get_exchange(exchange)
        for event in events:
            envelope = event.model_dump(mode="json", exclude_none=True)
            await target.publish(amqp_message(envelope, None), routing_key=event.type)


def spec(
    prefix: str,
    name: str,
    sessions: Sessions,
    spine: SpineTables,
    fail: set[int] | None = None,
) -> ConsumerSpec:
    """The consumer ``name``; a sequence number in ``fail`` fails for good (dead letter)."""

    async def apply(uow: SqlUnitOfWork, event: CloudEvent, payload: EventPayload) -> None:
        assert isinstance(payload, VendorBlacklisted)
        seq = int(payload.reason.removeprefix("seq "))
        if fail and seq in fail:
            from epurchasing_shared.kernel.errors import PermanentEventError

            raise PermanentEventError(f"seq {seq} refused")
        procurement = str(event.procurementid)
        previous = await uow.session.scalar(
            text(f"SELECT max(seq) FROM {TABLE} WHERE prefix = :x AND procurement = :p"),
            {"x": prefix, "p": procurement},
        )
        await asyncio.sleep(random.uniform(0, 0.004))  # room for another one to overtake
        await uow.session.execute(
            text(
                f"INSERT INTO {TABLE} (prefix, procurement, seq, previous, consumer) "
                "VALUES (:x, :p, :s, :v, :c)"
            ),
            {
                "x": prefix,
                "p": procurement,
                "s": seq,
                "v": -1 if previous is None else previous,
                "c": name,
            },
        )

    def unit_of_work(caller: Caller) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            service=SERVICE,
            clock=SystemClock(),
            caller=caller,
            sessions=sessions,
            spine=spine,
            store=DocumentStore("var/documents/spine_test"),
        )

    return ConsumerSpec(SERVICE, PURPOSE, {TYPE: apply}, unit_of_work)


def consumers(
    amqp_url: str,
    prefix: str,
    name: str,
    sessions: Sessions,
    spine: SpineTables,
    *,
    prefetch: int = 16,
    outage_seconds: float = 900.0,
    fail: set[int] | None = None,
) -> EventConsumers:
    broker = consumer_broker(amqp_url, prefetch=prefetch)
    register_consumer(
        broker,
        spec=spec(prefix, name, sessions, spine, fail),
        topology=topology(prefix),
        outage_seconds=outage_seconds,
    )
    return broker


async def effects(sessions: Sessions, prefix: str) -> list[dict]:
    async with sessions() as session:
        rows = await session.execute(
            text(
                f"SELECT procurement, seq, previous, consumer, applied_at FROM {TABLE} "
                "WHERE prefix = :x ORDER BY id"
            ),
            {"x": prefix},
        )
        return [dict(row._mapping) for row in rows]


def check(events: list[CloudEvent], found: list[dict], skipped: set[int] | None = None) -> None:
    """Every event's effect exactly once, and each procurement's in order: the effect of event
    k saw event k-1's effect already committed (and no later one)."""
    skipped = skipped or set()
    expected = Counter(
        (str(e.procurementid), int(e.data["reason"].removeprefix("seq ")))
        for e in events
        if int(e.data["reason"].removeprefix("seq ")) not in skipped
    )
    applied = Counter((row["procurement"], row["seq"]) for row in found)
    lost = expected - applied
    doubled = applied - expected
    assert not lost and not doubled, f"lost {sorted(lost)[:5]}…, doubled {sorted(doubled)[:5]}…"
    by_procurement: dict[str, list[dict]] = defaultdict(list)
    for row in found:
        by_procurement[row["procurement"]].append(row)
    for procurement, rows in by_procurement.items():
        seqs = [row["seq"] for row in sorted(rows, key=lambda r: r["applied_at"])]
        assert seqs == sorted(seqs), f"{procurement} applied out of order: {seqs}"
        for row in rows:
            before = [s for s in seqs if s < row["seq"]]
            assert row["previous"] == (before[-1] if before else -1), (
                f"{procurement}: seq {row['seq']} applied while it saw {row['previous']} "
                f"(expected {before[-1] if before else -1})"
            )


async def _run(database_url: str, amqp_url: str, prefix: str, name: str, prefetch: int) -> None:
    engine = make_engine(database_url)
    broker = consumers(
        amqp_url,
        prefix,
        name,
        make_session_factory(engine),
        add_spine_tables(MetaData()),
        prefetch=prefetch,
    )
    await broker.start()
    print("consuming", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await broker.stop()
    await engine.dispose()


if __name__ == "__main__":
    url, amqp, prefix, name = sys.argv[1:5]
    asyncio.run(_run(url, amqp, prefix, name, int(sys.argv[5]) if len(sys.argv) > 5 else 16))
