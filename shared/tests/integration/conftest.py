"""Fixtures of the spine tests: a scratch database with the spine tables and a test topology."""

from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import uuid4

import aio_pika
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import insert

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload, make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.db import Sessions, make_engine, make_session_factory
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec, consumer_broker, register_consumer
from epurchasing_shared.messaging.topology import (
    ConsumerQueue,
    Topology,
    declare_topology,
    delete_topology,
)
from epurchasing_shared.migrations import create_database_if_missing
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.spine import SpineTables, add_spine_tables
from epurchasing_shared.testing.infrastructure import Infrastructure

metadata = MetaData()
spine_tables = add_spine_tables(metadata)
# What the test consumer changes: one counter per vendor.
effects = Table(
    "effects",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("count", Integer, nullable=False),
)

BLACKLIST_TYPES = ("rating.vendor_blacklisted.v1", "rating.vendor_blacklist_lifted.v1")


@dataclass
class SpineDb:
    url: str
    sessions: Sessions
    spine: SpineTables


@asynccontextmanager
async def scratch_spine_db(infrastructure: Infrastructure, name: str) -> AsyncIterator[SpineDb]:
    """A database of its own with the spine tables, dropped afterwards."""
    url = infrastructure.database(name)
    await create_database_if_missing(url)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    try:
        yield SpineDb(url, make_session_factory(engine), spine_tables)
    finally:
        await engine.dispose()
        await infrastructure.drop_database(url)


@pytest.fixture(scope="session")
async def spine_db(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[SpineDb]:
    async with scratch_spine_db(infrastructure, f"{run_id}_spine") as db:
        yield db


@asynccontextmanager
async def declared(infrastructure: Infrastructure, topology: Topology) -> AsyncIterator[Topology]:
    """``topology`` declared on the broker, and deleted afterwards."""
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        await declare_topology(await connection.channel(), topology)
    try:
        yield topology
    finally:
        connection = await aio_pika.connect(infrastructure.amqp_url)
        async with connection:
            await delete_topology(await connection.channel(), topology)


@pytest.fixture(scope="session")
async def spine_topology(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[Topology]:
    topology = Topology(
        prefix=f"{run_id}.spine.",
        delivery_limit=3,
        consumers=(ConsumerQueue("spine_test", "on_blacklist", BLACKLIST_TYPES),),
    )
    async with declared(infrastructure, topology):
        yield topology


attempts: Counter[str] = Counter()


async def apply_blacklisted(uow: SqlUnitOfWork, event: CloudEvent, payload: EventPayload) -> None:
    """The test consumer's effect: count the entry; the reason tells it how to fail."""
    assert isinstance(payload, VendorBlacklisted)
    key = str(payload.entry_id)
    attempts[key] += 1
    if payload.reason == "fail-always" or (payload.reason == "fail-twice" and attempts[key] <= 2):
        raise RuntimeError(f"simulated failure {attempts[key]} of {key}")
    await uow.session.execute(
        insert(effects)
        .values(key=key, count=1)
        .on_conflict_do_update(index_elements=["key"], set_={"count": effects.c.count + 1})
    )


def blacklisted(reason: str = "tender fraud") -> CloudEvent:
    return make_event(
        service="rating",
        payload=VendorBlacklisted(
            entry_id=uuid4(),
            vendor_id=uuid4(),
            reason=reason,
            decree_reference="SK-1/2026",
            starts_on=date(2026, 1, 1),
            recorded_at=datetime.now(UTC),
        ),
        procurement_id=None,
        subject="vendor/x",
        time=datetime.now(UTC),
    )


def spine_consumer(db: SpineDb) -> ConsumerSpec:
    """The test consumer, in a bare SQL unit of work on the spine database."""

    def unit_of_work(caller: Caller) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            service="spine_test",
            clock=SystemClock(),
            caller=caller,
            sessions=db.sessions,
            spine=db.spine,
            store=DocumentStore("var/documents/spine_test"),
        )

    handlers = {BLACKLIST_TYPES[0]: apply_blacklisted}
    return ConsumerSpec("spine_test", "on_blacklist", handlers, unit_of_work)


@pytest.fixture(scope="module")
async def consumer(
    infrastructure, spine_db: SpineDb, spine_topology: Topology
) -> AsyncIterator[None]:
    broker = consumer_broker(infrastructure.amqp_url)
    register_consumer(broker, spec=spine_consumer(spine_db), topology=spine_topology)
    await broker.start()
    yield
    await broker.stop()


async def publish_raw(amqp_url: str, exchange: str, body: bytes, routing_key: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        target = await channel.get_exchange(exchange)
        await target.publish(aio_pika.Message(body, message_id=str(uuid4())), routing_key)
