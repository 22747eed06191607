"""Benchmark of the event spine on the real broker and database; prints figures, asserts nothing.

    .venv/bin/python benchmarks/bench_spine.py [--events 2000] [--procurements 100]
        [--prefetch 1,16] [--concurrency 8]

For each prefetch value (default: the consumers' default only):
1. outbox relay: N events (of P procurements, round robin) committed in batches of 50, then
   the time until the relay has published (with publisher confirms) every row;
2. consumer: the time one consumer process (that prefetch, inbox + a one-row effect per event,
   one transaction each, in order per procurement) takes to apply those N events.
Then, in the same run with nothing else of ours running, the raw ceilings the consumer is
bounded by (bench_system.py's): PostgreSQL one-row INSERT commits/s (8 connections) and
RabbitMQ consumed acks/s from one quorum queue (prefetch 256).
Uses a scratch database and a prefixed topology, both removed at the end.
"""

import argparse
import asyncio
import time
import uuid
from datetime import UTC, date, datetime

import aio_pika
import asyncpg
from bench_system import ceiling_postgres, ceiling_rabbitmq
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.dialects.postgresql import insert

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec, consumer_broker, register_consumer
from epurchasing_shared.messaging.outbox import record_event
from epurchasing_shared.messaging.relay import OutboxRelay
from epurchasing_shared.messaging.topology import (
    ConsumerQueue,
    Topology,
    declare_topology,
    delete_topology,
)
from epurchasing_shared.migrations import create_database_if_missing
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.spine import add_spine_tables

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
TYPE = "rating.vendor_blacklisted.v1"

metadata = MetaData()
spine = add_spine_tables(metadata)
effects = Table(
    "effects", metadata, Column("key", String(100), primary_key=True), Column("n", Integer)
)


def event(procurement_id: uuid.UUID | None = None) -> object:
    payload = VendorBlacklisted(
        entry_id=uuid.uuid4(),
        vendor_id=uuid.uuid4(),
        reason="benchmark",
        decree_reference="SK-0",
        starts_on=date(2026, 1, 1),
        recorded_at=datetime.now(UTC),
    )
    return make_event(
        service="rating", payload=payload, procurement_id=procurement_id, time=datetime.now(UTC)
    )


async def main(
    count: int, procurements: int, prefetches: list[int | None], concurrency: int | None
) -> None:
    run = f"bench{uuid.uuid4().hex[:6]}"
    url = f"{SERVER}/{run}"
    await create_database_if_missing(url)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = make_session_factory(engine)
    topology = Topology(
        prefix=f"{run}.", consumers=(ConsumerQueue("bench", "on_blacklist", (TYPE,)),)
    )
    connection = await aio_pika.connect(AMQP)
    await declare_topology(await connection.channel(), topology)
    try:
        for prefetch in prefetches:
            await one_round(sessions, url, topology, count, procurements, prefetch, concurrency)
        print("ceilings, same run (nothing else of ours running):")
        pg = await ceiling_postgres(run)
        print(f"  PostgreSQL one-row INSERT commits/s (8 connections): {pg:.0f}")
        publish, consume = await ceiling_rabbitmq(f"{run}.")
        print(
            f"  RabbitMQ quorum queue: {publish:.0f} confirmed publishes/s, "
            f"{consume:.0f} consumed acks/s"
        )
    finally:
        await delete_topology(await connection.channel(), topology)
        await connection.close()
        await engine.dispose()
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        await admin.close()


async def one_round(
    sessions,
    url: str,
    topology: Topology,
    count: int,
    procurements: int,
    prefetch: int | None,
    concurrency: int | None,
) -> None:
    owners = [uuid.uuid4() for _ in range(procurements)] or [None]
    async with sessions() as session, session.begin():
        await session.execute(effects.delete())
    for start in range(0, count, 50):
        async with sessions() as session, session.begin():
            for n in range(start, min(start + 50, count)):
                await record_event(session, spine.outbox, event(owners[n % len(owners)]))
    relay = OutboxRelay(
        session_factory=sessions,
        outbox=spine.outbox,
        database_url=url,
        amqp_url=AMQP,
        topology=topology,
        clock=SystemClock(),
    )
    started = time.perf_counter()
    while await relay.publish_pending():
        pass
    relay_seconds = time.perf_counter() - started
    await relay.close()  # no run() loop here to close it
    print(
        f"outbox relay: {count} events published with confirms in {relay_seconds:.2f} s "
        f"= {count / relay_seconds:.0f} events/s ({procurements or 'no'} procurements; one "
        "chain of confirms per procurement)"
    )

    async def apply(uow: SqlUnitOfWork, _event, payload) -> None:
        await uow.session.execute(insert(effects).values(key=str(payload.entry_id), n=1))

    def unit_of_work(caller: Caller) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            service="bench",
            clock=SystemClock(),
            caller=caller,
            sessions=sessions,
            spine=spine,
            store=DocumentStore("var/documents/bench"),
        )

    options = {"prefetch": prefetch, "concurrency": concurrency}
    # Without options the call the previous version's consumer_broker also takes.
    broker = consumer_broker(AMQP, **{k: v for k, v in options.items() if v is not None})
    spec = ConsumerSpec("bench", "on_blacklist", {TYPE: apply}, unit_of_work)
    register_consumer(broker, spec=spec, topology=topology)
    started, cpu = time.perf_counter(), time.process_time()
    await broker.start()
    while True:
        async with sessions() as session:
            applied = await session.scalar(select(func.count()).select_from(effects))
        if applied >= count:
            break
        await asyncio.sleep(0.05)
    consumer_seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    await broker.stop()
    print(
        f"consumer (prefetch {prefetch or 'default'}, concurrency {concurrency or 'default'}, "
        f"inbox, one transaction each): {count} "
        f"events in {consumer_seconds:.2f} s = {count / consumer_seconds:.0f} events/s; "
        f"this process used {100 * cpu / consumer_seconds:.0f} % of one core "
        f"({1000 * cpu / count:.1f} ms CPU per event)",
        flush=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument(
        "--procurements", type=int, default=100, help="events spread over N (0: none, one chain)"
    )
    parser.add_argument(
        "--prefetch",
        default="",
        help="comma-separated consumer prefetch values, one round each (default: the default)",
    )
    parser.add_argument(
        "--concurrency", type=int, help="handlers at once per process (default: the default)"
    )
    arguments = parser.parse_args()
    values = [int(v) for v in arguments.prefetch.split(",") if v.strip()] or [None]
    asyncio.run(main(arguments.events, arguments.procurements, values, arguments.concurrency))
