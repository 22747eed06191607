"""The bench's commit clock (``benchmarks/commit_clock.py``): on a PostgreSQL cluster of its own
that decodes its WAL (``benchmarks/postgres_cluster.sh … wal_level=logical``, as the bench's
docs say to start one), the spine's real ``outbox`` and ``inbox`` tables, written as a
producer and a consumer write them, give each event's producer commit and consumer commit, and
nothing else: not what committed before the window, not a rolled-back insert, not the relay's
mark (an update)."""

import asyncio
import importlib.util
import shutil
import subprocess
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from epurchasing_shared.spine import add_spine_tables
from epurchasing_shared.testing.mail import free_port

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "benchmarks" / "postgres_cluster.sh"
spec = importlib.util.spec_from_file_location(
    "commit_clock", ROOT / "benchmarks" / "commit_clock.py"
)
assert spec and spec.loader
commit_clock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(commit_clock)


@pytest.fixture(scope="module")
def logical_server():
    """A cluster of the test's own on a free port (started as the bench's docs say), stopped
    and removed after. Its directory is a new one under /tmp, which the script hands to the
    user ``postgres`` when run as root."""
    port = free_port()
    directory = Path(tempfile.gettempdir()) / f"commit-clock-{uuid.uuid4().hex[:8]}"
    started = subprocess.run(
        [str(CLUSTER), "start", str(directory), str(port), "wal_level=logical"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([str(CLUSTER), "stop", str(directory)], capture_output=True, timeout=60)
        shutil.rmtree(directory, ignore_errors=True)


async def spine_database(server: str, name: str) -> asyncpg.Connection:
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    connection = await asyncpg.connect(f"{server}/{name}")
    tables = add_spine_tables(MetaData())
    for table in (tables.outbox, tables.inbox):
        await connection.execute(str(CreateTable(table).compile(dialect=postgresql.dialect())))
    return connection


async def produce(connection: asyncpg.Connection, event_id: uuid.UUID) -> tuple[datetime, datetime]:
    """One producer transaction: its outbox row beside another write; the client's clock just
    before the COMMIT is sent and just after it returns."""
    async with connection.transaction():
        await connection.execute(
            "INSERT INTO outbox (event_id, event_type, envelope, created_at) "
            "VALUES ($1, 'x.y.v1', '{\"note\": \"event_id[uuid]:''\"}', now())",
            event_id,
        )
        await connection.execute("CREATE TEMP TABLE IF NOT EXISTS other (n int)")
        await connection.execute("INSERT INTO other VALUES (1)")
        before = datetime.now(UTC)
    return before, datetime.now(UTC)


async def consume(connection: asyncpg.Connection, event_id: uuid.UUID) -> tuple[datetime, datetime]:
    async with connection.transaction():
        await connection.execute(
            "INSERT INTO inbox (consumer, event_id, event_type, received_at) "
            "VALUES ('y.x', $1, 'x.y.v1', now())",
            event_id,
        )
        before = datetime.now(UTC)
    return before, datetime.now(UTC)


def test_each_event_gets_its_producers_and_consumers_commit(logical_server):
    async def scenario():
        assert await commit_clock.unavailable(logical_server) is None
        run = uuid.uuid4().hex[:6]
        producer = await spine_database(logical_server, f"p_{run}")
        consumer = await spine_database(logical_server, f"c_{run}")
        databases = [f"p_{run}", f"c_{run}"]
        try:
            early = uuid.uuid4()
            await produce(producer, early)  # committed before the window: not counted
            slots = commit_clock.Slots(logical_server, run)
            await slots.open(databases)
            await consume(consumer, early)
            events = [uuid.uuid4() for _ in range(3)]
            produced, consumed = {}, {}
            for event_id in events:
                produced[event_id] = await produce(producer, event_id)
                await asyncio.sleep(0.01)
                consumed[event_id] = await consume(consumer, event_id)
            lost = uuid.uuid4()
            with pytest.raises(asyncpg.UniqueViolationError):
                async with producer.transaction():
                    await producer.execute(
                        "INSERT INTO outbox (event_id, event_type, envelope, created_at) "
                        "VALUES ($1, 'x.y.v1', '{}', now())",
                        lost,
                    )
                    await producer.execute(  # rolls the transaction back
                        "INSERT INTO outbox (event_id, event_type, envelope, created_at) "
                        "VALUES ($1, 'x.y.v1', '{}', now())",
                        events[0],
                    )
            await producer.execute(  # the relay's mark
                "UPDATE outbox SET published_at = now() WHERE event_id = $1", events[1]
            )

            commits = await slots.read()

            assert set(commits.produced) == set(events)
            assert set(commits.consumed) == {early, *events}
            for event_id in events:
                before, after = produced[event_id]
                assert before <= commits.produced[event_id] <= after
                [at] = commits.consumed[event_id]
                assert commits.consumed_in[f"c_{run}", event_id] == at
                before, after = consumed[event_id]
                assert before <= at <= after
            hand_offs = commits.hand_offs()
            assert set(hand_offs) == set(events)  # the early one has no producer commit
            for event_id in events:
                [seconds] = hand_offs[event_id]
                expected = commits.consumed[event_id][0] - commits.produced[event_id]
                assert seconds == expected.total_seconds() >= 0.01
            admin = await asyncpg.connect(f"{logical_server}/postgres")
            try:
                assert await admin.fetchval("SELECT count(*) FROM pg_replication_slots") == 0
            finally:
                await admin.close()
        finally:
            await producer.close()
            await consumer.close()

    asyncio.run(scenario())


def test_a_slot_goes_with_its_connection(logical_server):
    """A bench that dies inside its window leaves no slot behind (a slot left would keep WAL
    on the server for ever), and the database can be dropped."""

    async def scenario():
        run = uuid.uuid4().hex[:6]
        connection = await spine_database(logical_server, f"d_{run}")
        await connection.close()
        slots = commit_clock.Slots(logical_server, run)
        await slots.open([f"d_{run}"])
        admin = await asyncpg.connect(f"{logical_server}/postgres")
        try:
            named = "SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1"
            slot = commit_clock.slot_name(run, f"d_{run}")
            assert await admin.fetchval(named, slot) == 1
            await slots.close()
            assert await admin.fetchval(named, slot) == 0
            await admin.execute(f'DROP DATABASE "d_{run}"')  # refused while a slot is there
        finally:
            await admin.close()

    asyncio.run(scenario())
