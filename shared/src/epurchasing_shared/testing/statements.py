"""Counting the SQL statements one request costs, and the plans of a list's queries on a
spread of rows, for tests that pin a list's queries.

``with statements(engine) as seen: await client.get(...)`` collects the statements the
engine runs *for the awaiting task* only: the listener (``before_cursor_execute``) keeps a
statement when a context variable set here is visible, and the app's background work (the
outbox relay, consumers, schedulers) runs in tasks started before it was set, so their polls
never count. An in-process app (``running_app``, httpx's ASGI transport) runs the request in
the caller's task, and SQLAlchemy's async bridge carries the context into the driver call.

``await explain(database_url, spread, cases)`` writes the spread (inserts and ``ANALYZE``) in a
transaction, EXPLAINs each case's query in it and rolls it all back: a test then asserts that
each plan walks its index (no ``Seq Scan``, no ``Sort``).
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql import ClauseElement

from epurchasing_shared import direct

K = TypeVar("K")

_SEEN: ContextVar[list[str] | None] = ContextVar("epurchasing_statements", default=None)


def _keep(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    seen = _SEEN.get()
    if seen is not None:
        seen.append(statement)


def _keep_direct(statement: str) -> None:
    seen = _SEEN.get()
    if seen is not None:
        seen.append(statement)


@contextmanager
def statements(engine: AsyncEngine | Engine) -> Iterator[list[str]]:
    """The statements ``engine`` runs for this task while the block runs, in order: those
    through SQLAlchemy and those sent to the driver directly (:mod:`epurchasing_shared.direct`;
    BEGIN and COMMIT are not counted, in neither)."""
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    seen: list[str] = []
    token = _SEEN.set(seen)
    listening = event.contains(sync, "before_cursor_execute", _keep)  # an outer block's
    if not listening:
        event.listen(sync, "before_cursor_execute", _keep)
    observing = _keep_direct in direct.observers
    if not observing:
        direct.observers.append(_keep_direct)
    try:
        yield seen
    finally:
        if not observing:
            direct.observers.remove(_keep_direct)
        if not listening:
            event.remove(sync, "before_cursor_execute", _keep)
        _SEEN.reset(token)


async def explain(
    database_url: str, spread: Iterable[str], cases: Mapping[K, ClauseElement]
) -> dict[K, str]:
    """The plan PostgreSQL makes for each case's query once the ``spread`` statements have
    run, in one transaction rolled back (the database is left as it was)."""
    engine = create_async_engine(database_url)
    plans: dict[K, str] = {}
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            for statement in spread:
                await connection.execute(text(statement))
            for name, query in cases.items():
                sql = query.compile(
                    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                )
                rows = await connection.execute(text(f"EXPLAIN {sql}"))
                plans[name] = "\n".join(row[0] for row in rows)
            await transaction.rollback()
    finally:
        await engine.dispose()
    return plans
