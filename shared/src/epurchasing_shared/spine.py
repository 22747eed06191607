"""The tables every service's database has: outbox, inbox, history, documents, idempotency.

Each service calls :func:`add_spine_tables` on its own ``MetaData`` so that its Alembic
migrations create them beside its own tables (a service never reads another's database).
"""

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


@dataclass(frozen=True)
class SpineTables:
    outbox: Table
    inbox: Table
    history: Table
    documents: Table
    idempotency_keys: Table


def add_spine_tables(metadata: MetaData) -> SpineTables:
    outbox = Table(
        "outbox",
        metadata,
        # A sequence, not the time, orders the rows: two events of one transaction keep
        # the order in which they were recorded.
        Column("seq", BigInteger, Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("traceparent", String(100)),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text),
    )
    Index(
        "ix_outbox_unpublished",
        outbox.c.seq,
        postgresql_where=outbox.c.published_at.is_(None),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(200), nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    history = Table(
        "history",
        metadata,
        Column("seq", BigInteger, Identity(), primary_key=True),
        Column("procurement_id", Uuid, nullable=False, index=True),
        Column("aggregate", String(60), nullable=False),
        Column("aggregate_id", Uuid, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor_id", String(200)),
        Column("actor_role", String(40)),
        Column("from_state", String(60)),
        Column("to_state", String(60)),
        Column("sop_step", String(8)),
        Column("action", String(80), nullable=False),
        Column("reason", Text),
        Column("documents", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    )
    documents = Table(
        "documents",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("procurement_id", Uuid, index=True),
        Column("owner_kind", String(60), nullable=False),
        Column("owner_id", Uuid, nullable=False, index=True),
        Column("kind", String(60), nullable=False),
        Column("filename", String(300), nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("size", BigInteger, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("uploaded_by", String(200), nullable=False),
        Column("uploaded_at", DateTime(timezone=True), nullable=False),
    )
    idempotency_keys = Table(
        "idempotency_keys",
        metadata,
        Column("principal", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("request", String(400), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("body", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("principal", "key"),
    )
    return SpineTables(outbox, inbox, history, documents, idempotency_keys)
