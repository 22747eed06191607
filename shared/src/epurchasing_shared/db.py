"""Async SQLAlchemy engine and its connections, one engine per service database."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import asyncpg
import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

POOL_SIZE = 15
MAX_OVERFLOW = 0
POOL_RECYCLE_SECONDS = 1800


def make_engine(database_url: str, **kwargs: object) -> AsyncEngine:
    """The service's engine. No ``pool_pre_ping``: it cost a round trip (``SELECT 1``) on every
    checkout, i.e. on every request and every consumed event. A connection the server closed
    (a restart, a network cut) is replaced at checkout (``_replace_closed``: asyncpg knows,
    without a round trip); one that died unnoticed fails its first statement instead, the
    request is answered 503 with ``Retry-After``, a consumer holds the event and retries
    (:func:`is_unavailable`), and the connection is dropped from the pool. ``pool_recycle``
    replaces connections older than 30 minutes (before a firewall or PgBouncer drops idle
    ones). Pool: 15 kept open, none beyond by default (15 at most, as
    before; ``DB_POOL_SIZE`` / ``DB_MAX_OVERFLOW`` in the settings): with 10 + 5 the services
    opened and closed about one overflow connection a second each under load, a connect, the
    codecs' set-up queries and a PostgreSQL backend every time (docs/performance.md)."""
    options: dict[str, object] = {
        "pool_size": POOL_SIZE,
        "max_overflow": MAX_OVERFLOW,
        "pool_recycle": POOL_RECYCLE_SECONDS,
        # hide_parameters: an error or log line never carries the request's values.
        "hide_parameters": True,
    }
    engine = create_async_engine(database_url, **(options | kwargs))
    event.listen(engine.sync_engine, "before_cursor_execute", _no_writes_while_reading)
    event.listen(engine.sync_engine.pool, "checkout", _replace_closed)
    return engine


def _replace_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """A pooled connection whose socket the server closed (a restart, a cut) is replaced at
    checkout, without a round trip: asyncpg knows it is closed. Statements sent to the driver
    directly (direct.py) fail without SQLAlchemy seeing it, so SQLAlchemy no longer
    invalidates the whole pool on the first failure; this keeps each dead connection from
    failing one more request or event."""
    if record.driver_connection is not None and record.driver_connection.is_closed():
        raise sqlalchemy.exc.DisconnectionError("the server closed this connection")


# A GET or HEAD request reads outside a transaction: its unit of work runs each statement on
# its own (autocommit), saving the BEGIN and COMMIT round trips; under READ COMMITTED a
# transaction's statements each took their own snapshot anyway. Set for the request by
# ``http.reads.ReadsOutsideTransactions``, read by the SQL unit of work.
READ_ONLY_REQUEST: ContextVar[bool] = ContextVar("epurchasing_read_only_request", default=False)
_WRITES = ("INSERT", "UPDATE", "DELETE")


def _no_writes_while_reading(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """A GET or HEAD that writes is a defect, and without a transaction its writes would not
    even be atomic: refuse the statement."""
    if READ_ONLY_REQUEST.get() and statement.lstrip()[:6].upper() in _WRITES:
        raise RuntimeError(f"a {statement.split()[0]} in a read-only (GET or HEAD) request")


#: Opens a connection of the pool (``async with sessions() as session, session.begin():``).
Sessions = Callable[[], AsyncConnection]


def make_session_factory(engine: AsyncEngine) -> Sessions:
    """Connections, not ORM sessions: every statement here is SQLAlchemy Core (no mapped
    classes, no identity map), and the ORM ``Session`` layer cost about a quarter of a
    statement's CPU for nothing (docs/performance.md)."""
    return engine.connect


def asyncpg_dsn(database_url: str) -> str:
    """The plain DSN asyncpg understands (for LISTEN/NOTIFY), from a SQLAlchemy URL."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


# What "the database (or the broker) cannot be reached right now" looks like, wherever it is
# raised: by the driver, by SQLAlchemy's wrapper around it, or by the socket underneath.
_UNAVAILABLE = (
    OSError,  # ConnectionRefusedError, ConnectionResetError, socket timeouts
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,  # connection lost, rejected, failed
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, cannot connect now, crash
    asyncpg.exceptions.TooManyConnectionsError,
    OperationalError,
    InterfaceError,
    # No connection free in the pool within its timeout: the process is saturated.
    sqlalchemy.exc.TimeoutError,
    # The transaction was rolled back by PostgreSQL and nothing of it applied; the same
    # request or event succeeds when tried again (e.g. the overdue scanner's hook and a step
    # on the same aggregate taking their locks in opposite order).
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
)


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means a dependency is down (retry later), not that the request or
    event is wrong: walks SQLAlchemy's ``orig`` and the exception chain."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        # asyncpg's bare InterfaceError is "the connection is closed"; its subclasses are
        # misuse (bad arguments, configuration), which waiting would not mend.
        if type(current) is asyncpg.exceptions.InterfaceError:
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException) and id(orig) not in seen:
            current = orig
            continue
        current = current.__cause__ or current.__context__
    return False


def locked_row_is_current(table: Any, key: str) -> Any:
    """A column, ``fresh``, for a ``SELECT … FOR UPDATE`` of one ``table`` row (by its ``key``
    column) that also reads other tables: whether the row it locked is the version its own
    snapshot holds. Under READ COMMITTED a statement that waited for the lock of a concurrent
    change gets the row as that change left it, but reads every other table in the snapshot it
    took before waiting, without what the change added; its ``xmin`` then differs from the
    snapshot's, and the caller reads again, the lock held (a new statement, a new snapshot).
    Sound when every change of the other tables also updates this row in its transaction."""
    from sqlalchemy import literal_column, select

    seen = table.alias("seen")
    return (
        literal_column(f"{table.name}.xmin")
        == select(literal_column("seen.xmin"))
        .select_from(seen)
        .where(seen.c[key] == table.c[key])
        .scalar_subquery()
    ).label("fresh")
