"""The hot statements run on the asyncpg connection directly, past SQLAlchemy's execution layer.

Measured on this machine (docs/performance.md, fifth round), one primary-key ``SELECT`` in a
transaction cost about 250 µs of CPU through ``AsyncConnection.execute``, 100–130 µs through
``exec_driver_sql`` and 22–35 µs on the asyncpg connection itself: SQLAlchemy's cache-key,
execution context, result wrapper and greenlet hop, around every one of a procurement's ≈ 490
statements, were a quarter of the services' CPU. So a statement on a request's path is still
*written* with SQLAlchemy Core (the tables stay the one description of the schema), but
compiled once, at first use, into asyncpg's SQL (``$1 …``) and the order of its parameters;
each execution binds the values and sends it on the connection the unit of work holds.

    _LOAD = Direct(select(...).where(table.c.id == bindparam("id")))
    row = await fetchrow(session, _LOAD, {"id": some_id})   # an asyncpg Record, or None

What SQLAlchemy did per value is kept: a fixed value in the statement (``.limit(1)``, a
literal in a comparison) is bound from the statement; a type's bind processor (JSON's
serialiser, the only one our columns have) runs on the value. Results need none: asyncpg
gives the same Python values (the engine's connections decode JSON), and a Record reads by
column name (``row["state"]``) as a ``RowMapping`` did. A statement whose SQL depends on its
values (an expanding ``IN``) cannot be compiled once and is refused when compiled.

Transactions: the SQL unit of work begins and commits on the driver connection itself and runs
SQLAlchemy statements in autocommit mode inside it (:mod:`.persistence`), so both kinds of
statement share one transaction; code outside a unit of work begins one with
:func:`transaction`. A write or a row lock sent outside any transaction is refused here (the
write would commit on its own, the lock be gone when the statement ends), as the engine's
listener refuses a write in a GET (``db._no_writes_while_reading``).
"""

import re
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import asyncpg
from opentelemetry.trace import SpanKind
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Executable

_DIALECT = PGDialect_asyncpg()
# What means nothing outside a transaction: a write (it would commit on its own) or a row lock
# (released as soon as the statement ends).
_NEEDS_TRANSACTION = re.compile(
    r"\b(INSERT INTO|UPDATE \S+ SET|DELETE FROM|FOR (NO KEY )?UPDATE|FOR (KEY )?SHARE)\b"
)
_REQUIRED = object()

#: Who is told of each statement sent here (testing.statements counts them per request).
observers: list[Callable[[str], None]] = []


class Direct:
    """A SQLAlchemy Core statement, compiled for asyncpg once, at first use."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._sql: str | None = None
        self._slots: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...] = ()
        self.needs_transaction = False

    @property
    def sql(self) -> str:
        if self._sql is None:
            self._compile()
        assert self._sql is not None
        return self._sql

    def _compile(self) -> None:
        compiled = self.statement.compile(dialect=_DIALECT)  # type: ignore[attr-defined]
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError(f"its SQL depends on its values, not compiled once: {compiled}")
        slots = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            fixed = _REQUIRED if bind.required or bind.callable is not None else bind.value
            processor = bind.type.dialect_impl(_DIALECT).bind_processor(_DIALECT)
            slots.append((name, fixed, processor))
        self._slots = tuple(slots)
        self.needs_transaction = _needs_transaction(compiled.string)
        self._sql = compiled.string

    def arguments(self, params: Mapping[str, Any] | None) -> list[Any]:
        """The values in ``$n`` order: the caller's, or the statement's own fixed ones."""
        sql = self.sql  # compiles on first use
        values = params or {}
        arguments = []
        for name, fixed, processor in self._slots:
            if name in values:
                value = values[name]
            elif fixed is _REQUIRED:
                raise KeyError(f"no value for the parameter {name!r} of: {sql}")
            else:
                value = fixed
            # None too: JSON's processor makes it the JSON ``null``, as SQLAlchemy stores it.
            arguments.append(value if processor is None else processor(value))
        return arguments


def driver(session: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a checked-out SQLAlchemy connection."""
    return session.sync_connection.connection.driver_connection  # type: ignore[union-attr]


@cache
def _needs_transaction(sql: str) -> bool:
    return bool(_NEEDS_TRANSACTION.search(sql))


def _prepare(session: AsyncConnection, sql: str, needs_transaction: bool) -> asyncpg.Connection:
    connection = driver(session)
    if needs_transaction and not connection.is_in_transaction():
        raise RuntimeError(
            "a write or row lock outside a transaction (a GET or HEAD, or a connection not "
            f"begun with direct.transaction?): {sql.split()[0]}"
        )
    for observe in observers:
        observe(sql)
    return connection


#: Set by ``tracing.instrument_app`` when tracing is on: a client span per statement sent here,
#: as the SQLAlchemy instrumentation gives the engine's own statements.
tracer: Any = None


async def _send(
    session: AsyncConnection, sql: str, needs_transaction: bool, how: str, arguments: Any
) -> Any:
    call = getattr(_prepare(session, sql, needs_transaction), how)
    if tracer is None:
        return await call(sql, *arguments)
    attributes = {"db.system": "postgresql", "db.statement": sql}
    with tracer.start_as_current_span(
        sql.split(None, 1)[0], kind=SpanKind.CLIENT, attributes=attributes
    ):
        return await call(sql, *arguments)


async def fetch(
    session: AsyncConnection, statement: Direct, params: Mapping[str, Any] | None = None
) -> list[asyncpg.Record]:
    """Every row of ``statement`` (asyncpg Records, read by column name)."""
    arguments = statement.arguments(params)
    return await _send(session, statement.sql, statement.needs_transaction, "fetch", arguments)


async def fetchrow(
    session: AsyncConnection, statement: Direct, params: Mapping[str, Any] | None = None
) -> asyncpg.Record | None:
    """The first row of ``statement``, or None."""
    arguments = statement.arguments(params)
    return await _send(session, statement.sql, statement.needs_transaction, "fetchrow", arguments)


async def fetchone(
    session: AsyncConnection, statement: Direct, params: Mapping[str, Any] | None = None
) -> asyncpg.Record:
    """The one row ``statement`` always gives (an upsert's ``RETURNING``, aggregates of
    rows); ``NoResultFound`` when it gave none, as SQLAlchemy's ``.one()``."""
    row = await fetchrow(session, statement, params)
    if row is None:
        raise NoResultFound(f"no row from: {statement.sql[:200]}")
    return row


async def execute(
    session: AsyncConnection, statement: Direct, params: Mapping[str, Any] | None = None
) -> int:
    """Run ``statement``; how many rows it wrote (or returned)."""
    arguments = statement.arguments(params)
    status = await _send(session, statement.sql, statement.needs_transaction, "execute", arguments)
    count = status.rsplit(" ", 1)[-1]
    return int(count) if count.isdigit() else 0


async def fetch_sql(session: AsyncConnection, sql: str, *arguments: Any) -> list[asyncpg.Record]:
    """Every row of a statement written in SQL (``$1 …``), e.g. the spine's ``unnest`` writes."""
    return await _send(session, sql, _needs_transaction(sql), "fetch", arguments)


async def begin(session: AsyncConnection) -> asyncpg.Connection:
    """Begin a transaction on ``session``'s driver connection, SQLAlchemy in autocommit mode
    inside it (until the connection goes back to the pool); its driver connection."""
    await session.execution_options(isolation_level="AUTOCOMMIT")
    connection = driver(session)
    await connection.execute("BEGIN")
    return connection


async def commit(connection: asyncpg.Connection) -> None:
    """Commit, and fail if PostgreSQL did not: a ``COMMIT`` of a failed transaction answers
    ``ROLLBACK`` without an error."""
    status = await connection.execute("COMMIT")
    if status != "COMMIT":
        raise RuntimeError(f"the transaction was not committed (PostgreSQL said {status})")


async def roll_back(session: AsyncConnection, *, begun: bool = True) -> None:
    """After a failure: end whatever transaction the driver connection is in, so that it never
    goes back to the pool inside one (SQLAlchemy's reset on return does not know of a BEGIN
    it did not send); a connection that cannot even do that is dropped from the pool. With
    ``begun`` a ROLLBACK is sent even when asyncpg says no transaction is open: a BEGIN whose
    task was cancelled in flight still opens one when the server runs it, and asyncpg waits
    for it before the next command (a ROLLBACK outside a transaction is only a warning)."""
    connection = driver(session)
    try:
        if not connection.is_closed() and (begun or connection.is_in_transaction()):
            await connection.execute("ROLLBACK")
    except Exception:  # the caller raises the error that failed the transaction
        await session.invalidate()
        return
    except BaseException:  # cancelled: the connection's state is unknown
        await session.invalidate()
        raise
    if connection.is_closed():
        await session.invalidate()


@asynccontextmanager
async def transaction(session: AsyncConnection) -> AsyncIterator[asyncpg.Connection]:
    """A transaction on the driver connection, as the unit of work holds one, for code outside
    it (tools, tests): committed when the block ends, rolled back on an error or
    cancellation (:func:`roll_back`)."""
    try:
        connection = await begin(session)
        yield connection
        await commit(connection)
    except BaseException:
        await roll_back(session)
        raise
