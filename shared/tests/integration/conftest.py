"""Fixtures of the spine tests: a scratch database with the spine tables and a test topology."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aio_pika
import asyncpg
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.messaging.topology import (
    ConsumerQueue,
    Topology,
    declare_topology,
    delete_topology,
)
from epurchasing_shared.migrations import create_database_if_missing
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
    sessions: async_sessionmaker[AsyncSession]
    spine: SpineTables


@pytest.fixture(scope="session")
async def spine_db(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[SpineDb]:
    url = infrastructure.database(f"{run_id}_spine")
    await create_database_if_missing(url)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield SpineDb(url, make_session_factory(engine), spine_tables)
    await engine.dispose()
    admin = make_url(infrastructure.database("postgres")).set(drivername="postgresql")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    await connection.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    await connection.close()


@pytest.fixture(scope="session")
async def spine_topology(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[Topology]:
    topology = Topology(
        prefix=f"{run_id}.spine.",
        delivery_limit=3,
        consumers=(ConsumerQueue("spine_test", "on_blacklist", BLACKLIST_TYPES),),
    )
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        await declare_topology(await connection.channel(), topology)
    yield topology
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        await delete_topology(await connection.channel(), topology)
