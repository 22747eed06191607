"""The mail outbox on PostgreSQL: the table's shape, and the repository that queues (and wakes
the sender on commit), claims with ``SKIP LOCKED``, and saves e-mails.

A service calls :func:`add_mail_outbox_table` on its ``MetaData`` (``mail_outbox``; its
migration calls :func:`epurchasing_shared.mail.migrations.create_mail_outbox`). Ordering keeps
its older ``vendor_emails`` table (``package_id`` for the aggregate id, no ``aggregate``
column): :class:`SqlMailOutbox` takes the column and the aggregate's name for it.
"""

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Column,
    ColumnElement,
    DateTime,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, execute, fetch, fetchrow
from epurchasing_shared.mail import QueuedEmail

__all__ = [
    "CLAIMABLE",
    "MAIL_NOTIFY_CHANNEL",
    "SqlMailOutbox",
    "add_mail_outbox_table",
    "claim_next_query",
    "mail_outbox_columns",
]

# What the sender claims: pending e-mails due, and claims whose lease ran out (the ``due`` index).
CLAIMABLE = ("pending", "sending")


def _claimable(status: ColumnElement[str]) -> ColumnElement[bool]:
    """``status IN ('pending', 'sending')`` with the values in the SQL text, not bound: a
    generic plan of a prepared statement can then still prove the partial ``due`` index."""
    return status.in_([literal_column(f"'{value}'") for value in CLAIMABLE])


def claim_next_query(table: Table, now: datetime | ColumnElement[Any]) -> Select[Any]:
    """:meth:`SqlMailOutbox.claim_next`'s one statement: the first due e-mail or lapsed claim
    on the ``due`` index, locked (``SKIP LOCKED``), and ``more_due``: whether another is due (a
    locked one counts: its claim may roll back)."""
    other = table.alias("other_email")
    more = (
        select(literal(1))
        .where(
            _claimable(other.c.status),
            other.c.next_attempt_at <= now,
            other.c.message_id != table.c.message_id,
        )
        .exists()
        .label("more_due")
    )
    return (
        select(table, more)
        .where(_claimable(table.c.status), table.c.next_attempt_at <= now)
        .order_by(table.c.next_attempt_at)
        .limit(1)
        .with_for_update(skip_locked=True, of=table)
    )


# NOTIFY is per database (each service has its own), so one channel name serves all services.
MAIL_NOTIFY_CHANNEL = "epurchasing_mail"


def mail_outbox_columns() -> list[Column[Any]]:
    """The columns of a mail outbox (new ones each call: a Column belongs to one table)."""
    return [
        Column("message_id", String(300), primary_key=True),
        Column("procurement_id", Uuid, nullable=False),
        # Whose e-mail it is: the aggregate whose history records each attempt.
        Column("aggregate", String(40), nullable=False),
        Column("aggregate_id", Uuid, nullable=False, index=True),
        # your_turn, overdue_reminder; whom it is for, which SOP step they must do.
        Column("kind", String(40), nullable=False),
        Column("recipient_role", String(40), nullable=False),
        Column("sop_step", String(10), nullable=False),
        Column("causation_id", String(100)),
        Column("recipient", String(320)),
        Column("subject", Text, nullable=False),
        Column("body", Text, nullable=False),
        # pending, sending, sent, failed, unconfirmed (epurchasing_shared.mail.sender)
        Column("status", String(20), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("last_error", Text),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True)),
    ]


def add_mail_outbox_table(metadata: MetaData, name: str = "mail_outbox") -> Table:
    table = Table(name, metadata, *mail_outbox_columns())
    # The sender's claims: due pending e-mails, and claims whose lease ran out.
    Index(
        f"ix_{name}_due",
        table.c.next_attempt_at,
        postgresql_where=table.c.status.in_(CLAIMABLE),
    )
    return table


class SqlMailOutbox:
    """:class:`~epurchasing_shared.mail.MailOutbox` on one session and one table."""

    def __init__(
        self,
        session: AsyncConnection,
        table: Table,
        *,
        aggregate: str | None = None,
        aggregate_column: str = "aggregate_id",
    ) -> None:
        self.session = session
        self.table = table
        # A table without an ``aggregate`` column holds the e-mails of this one aggregate.
        self.aggregate = aggregate
        self.aggregate_column = aggregate_column
        self._statements = _statements(table, aggregate_column)

    def _email(self, row: Mapping[Any, Any]) -> QueuedEmail:
        return queued_email(
            row, self.table, aggregate=self.aggregate, aggregate_column=self.aggregate_column
        )

    def _row(self, email: QueuedEmail) -> dict[str, Any]:
        values = {name: getattr(email, name) for name in _fields(self.table)}
        values[self.aggregate_column] = email.aggregate_id
        return values

    async def queue(self, email: QueuedEmail) -> bool:
        if not await execute(self.session, self._statements.queue, self._row(email)):
            return False
        # Delivered on commit only: the sender never wakes for a rolled-back e-mail.
        await execute(self.session, _NOTIFY)
        return True

    async def claim_next(self, now: datetime) -> tuple[QueuedEmail | None, bool]:
        row = await fetchrow(self.session, self._statements.claim_next, {"now": now})
        return (self._email(row), bool(row["more_due"])) if row else (None, False)

    async def save(self, email: QueuedEmail) -> None:
        values = {f"set_{name}": value for name, value in self._row(email).items()}
        values["of_message_id"] = email.message_id
        await execute(self.session, self._statements.save, values)

    async def by_message_id(
        self, message_id: str, *, for_update: bool = False
    ) -> QueuedEmail | None:
        statements = self._statements
        query = statements.by_message_id_for_update if for_update else statements.by_message_id
        row = await fetchrow(self.session, query, {"of_message_id": message_id})
        return self._email(row) if row else None

    async def of_aggregate(self, aggregate_id: UUID) -> list[QueuedEmail]:
        statement = self._statements.of_aggregate
        rows = await fetch(self.session, statement, {"aggregate_id": aggregate_id})
        return [self._email(row) for row in rows]


class _Statements:
    """A mail outbox table's statements, built once (the sender runs them for every e-mail)
    and sent to the driver directly (:mod:`epurchasing_shared.direct`)."""

    def __init__(self, table: Table, aggregate_column: str) -> None:
        message_id = table.c.message_id == bindparam("of_message_id", type_=String)
        # Every column, bound: what ``SqlMailOutbox._row`` gives (the table's own columns).
        every = {column.name: bindparam(column.name, type_=column.type) for column in table.c}
        self.queue = Direct(insert(table).values(every).on_conflict_do_nothing())
        self.save = Direct(
            update(table)
            .where(message_id)
            .values({name: bindparam(f"set_{name}", type_=table.c[name].type) for name in every})
        )
        by_message_id = select(table).where(message_id)
        self.by_message_id = Direct(by_message_id)
        self.by_message_id_for_update = Direct(by_message_id.with_for_update())
        now = bindparam("now", type_=DateTime(timezone=True))
        self.claim_next = Direct(claim_next_query(table, now))
        self.of_aggregate = Direct(
            select(table)
            .where(table.c[aggregate_column] == bindparam("aggregate_id", type_=Uuid))
            .order_by(table.c.created_at, table.c.message_id)
        )


@cache
def _statements(table: Table, aggregate_column: str) -> _Statements:
    return _Statements(table, aggregate_column)


_NOTIFY = Direct(text(f"NOTIFY {MAIL_NOTIFY_CHANNEL}"))


QUEUED_FIELDS = frozenset(QueuedEmail.__dataclass_fields__) - {"aggregate_id"}


@cache
def _fields(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if c.name in QUEUED_FIELDS)


def queued_email(
    row: Mapping[Any, Any],
    table: Table,
    *,
    aggregate: str | None = None,
    aggregate_column: str = "aggregate_id",
) -> QueuedEmail:
    """A row of the mail outbox ``table`` (or one read with another statement, its columns
    named as the table's) as the e-mail it holds; ``aggregate`` for a table without an
    ``aggregate`` column (:class:`SqlMailOutbox`)."""
    values = {name: row[name] for name in _fields(table)}
    values["aggregate_id"] = row[aggregate_column]
    values.setdefault("aggregate", aggregate)
    return QueuedEmail(**values)
