"""Statements sent to the driver directly (direct.py) and the unit of work's transaction on the
driver connection (persistence.py), on PostgreSQL: the values bound as SQLAlchemy bound them,
one transaction for both kinds of statement, and a connection that always goes back to the
pool outside any transaction."""

import asyncio
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, bindparam, insert, select

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.direct import (
    Direct,
    driver,
    execute,
    fetch,
    fetch_sql,
    fetchrow,
    transaction,
)
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.persistence import SqlUnitOfWork

from .conftest import effects

_KEY = bindparam("key", type_=String)
_COUNT = Direct(select(effects.c.count).where(effects.c.key == _KEY))
_ADD = Direct(insert(effects))
_LOCK = Direct(select(effects.c.count).where(effects.c.key == _KEY).with_for_update())


def unit_of_work(spine_db, tmp_path) -> SqlUnitOfWork:
    return SqlUnitOfWork(
        service="spine_test",
        clock=SystemClock(),
        caller=Caller(),
        sessions=spine_db.sessions,
        spine=spine_db.spine,
        store=DocumentStore(tmp_path),
    )


def test_a_statement_binds_its_own_values_and_each_types_processor():
    documents = Table("documents_like", MetaData(), Column("n", Integer), Column("body", JSON))
    statement = Direct(
        insert(documents).values(n=bindparam("n", type_=Integer), body=bindparam("body", JSON))
    )
    limited = Direct(select(effects.c.key).where(effects.c.count > 3).limit(2))
    assert statement.sql.startswith("INSERT INTO documents_like (n, body) VALUES ($1")
    # JSON is serialised, and None is the JSON null, as SQLAlchemy stores it.
    assert statement.arguments({"n": 1, "body": {"a": [1]}}) == [1, '{"a": [1]}']
    assert statement.arguments({"n": 1, "body": None}) == [1, "null"]
    assert limited.arguments(None) == [3, 2]  # the statement's own fixed values
    with pytest.raises(KeyError, match="'n'"):
        statement.arguments({"body": {}})


def test_a_statement_whose_sql_depends_on_its_values_is_refused():
    with pytest.raises(ValueError, match="depends on its values"):
        _ = Direct(select(effects).where(effects.c.key.in_(["a", "b"]))).sql


async def test_direct_and_sqlalchemy_statements_share_the_unit_of_works_transaction(
    spine_db, tmp_path
):
    key = f"direct-{uuid4()}"
    with pytest.raises(RuntimeError, match="undo"):
        async with unit_of_work(spine_db, tmp_path) as uow:
            await execute(uow.session, _ADD, {"key": key, "count": 1})
            # SQLAlchemy sees the direct write: the same transaction.
            found = await uow.session.execute(select(effects.c.count).where(effects.c.key == key))
            assert found.scalar_one() == 1
            raise RuntimeError("undo")
    async with unit_of_work(spine_db, tmp_path) as uow:
        assert await fetchrow(uow.session, _COUNT, {"key": key}) is None  # rolled back
        await execute(uow.session, _ADD, {"key": key, "count": 2})
    async with unit_of_work(spine_db, tmp_path) as uow:
        assert [r["count"] for r in await fetch(uow.session, _COUNT, {"key": key})] == [2]


async def test_a_connection_goes_back_to_the_pool_outside_any_transaction(spine_db, tmp_path):
    """After a failed statement (the transaction aborted) and after an error of the caller's,
    the next unit of work on the pool's connections starts clean."""
    key = f"direct-{uuid4()}"
    for _ in range(12):  # the same pooled connection again and again
        with pytest.raises(asyncpg.UniqueViolationError):
            async with unit_of_work(spine_db, tmp_path) as uow:
                await execute(uow.session, _ADD, {"key": key, "count": 1})
                await execute(uow.session, _ADD, {"key": key, "count": 1})
    async with spine_db.sessions() as session:
        connection = session.sync_connection.connection.driver_connection
        assert not connection.is_in_transaction()
    async with unit_of_work(spine_db, tmp_path) as uow:
        assert await fetchrow(uow.session, _COUNT, {"key": key}) is None


async def test_a_write_or_a_row_lock_outside_a_transaction_is_refused(spine_db):
    key = f"direct-{uuid4()}"
    async with spine_db.sessions() as session:
        with pytest.raises(RuntimeError, match="outside a transaction"):
            await execute(session, _ADD, {"key": key, "count": 1})
        with pytest.raises(RuntimeError, match="outside a transaction"):
            await fetchrow(session, _LOCK, {"key": key})
        assert await fetchrow(session, _COUNT, {"key": key}) is None  # a read is fine
        async with transaction(session):
            await execute(session, _ADD, {"key": key, "count": 5})
            assert (await fetchrow(session, _LOCK, {"key": key}))["count"] == 5
        assert (await fetchrow(session, _COUNT, {"key": key}))["count"] == 5  # committed


async def test_a_commit_that_postgresql_turned_into_a_rollback_fails(spine_db):
    key = f"direct-{uuid4()}"
    async with spine_db.sessions() as session:
        await execute_in_own_transaction(session, key)
        with pytest.raises(RuntimeError, match="not committed"):
            async with transaction(session):
                await execute(session, _ADD, {"key": f"{key}-lost", "count": 1})
                with pytest.raises(asyncpg.UniqueViolationError):
                    await execute(session, _ADD, {"key": key, "count": 1})
        assert await fetchrow(session, _COUNT, {"key": f"{key}-lost"}) is None


async def execute_in_own_transaction(session, key: str) -> None:
    async with transaction(session):
        await execute(session, _ADD, {"key": key, "count": 1})


async def test_a_cancelled_unit_of_work_leaves_its_connection_clean(spine_db, tmp_path):
    """Cancelled mid-statement (a request's client gone, a consumer handing its queue over):
    the connection goes back to the pool outside any transaction."""
    engine = make_engine(spine_db.url, pool_size=1)  # one connection: the next gets it back
    key = f"direct-{uuid4()}"
    try:
        sessions = make_session_factory(engine)
        uow = SqlUnitOfWork(
            service="spine_test",
            clock=SystemClock(),
            caller=Caller(),
            sessions=sessions,
            spine=spine_db.spine,
            store=DocumentStore(tmp_path),
        )

        async def slow() -> None:
            async with uow:
                await execute(uow.session, _ADD, {"key": key, "count": 1})
                await fetch_sql(uow.session, "SELECT pg_sleep(5)")

        with pytest.raises(TimeoutError):
            await asyncio.wait_for(slow(), timeout=0.3)
        async with sessions() as session:
            assert not driver(session).is_in_transaction()
            assert await fetchrow(session, _COUNT, {"key": key}) is None  # rolled back
    finally:
        await engine.dispose()


async def test_a_connection_the_server_closed_is_replaced_at_checkout(spine_db):
    engine = make_engine(spine_db.url, pool_size=1)
    try:
        async with engine.connect() as session:
            closed = driver(session)
            closed.terminate()  # as a database restart or a cut leaves it
        async with engine.connect() as session:
            assert driver(session) is not closed
            assert (await fetch_sql(session, "SELECT 1 AS one"))[0]["one"] == 1
    finally:
        await engine.dispose()
