"""The tables every service's database has: outbox, inbox, history (hash-chained, append-only,
with its chain heads), documents, idempotency keys and turns (whose turn it is, due when).

Each service calls :func:`add_spine_tables` on its own ``MetaData`` so that its Alembic
migrations create them beside its own tables (a service never reads another's database).
"""

from dataclasses import dataclass

from sqlalchemy import (
    DDL,
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
    event,
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
    turns: Table
    history_heads: Table


# The history refuses UPDATE, DELETE and TRUNCATE for everyone (the service's own role
# included); only a superuser who disables the trigger can change it, and the hash chain then
# shows it (epurchasing verify-history).
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION epurchasing_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGERS = (
    "CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history "
    "FOR EACH ROW EXECUTE FUNCTION epurchasing_refuse_change()",
    "CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history "
    "FOR EACH STATEMENT EXECUTE FUNCTION epurchasing_refuse_change()",
)


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
        # The chain (epurchasing_shared.history_chain): the previous entry's hash within the
        # procurement (NULL for the first) and this entry's.
        Column("prev_hash", String(64)),
        Column("hash", String(64), nullable=False),
    )
    # create_all (tests) installs the same guard as the migration does.
    event.listen(history, "after_create", DDL(APPEND_ONLY_FUNCTION.replace("%", "%%")))
    for trigger in APPEND_ONLY_TRIGGERS:
        event.listen(history, "after_create", DDL(trigger))
    history_heads = add_history_heads_table(metadata)
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
    turns = add_turns_table(metadata)
    return SpineTables(outbox, inbox, history, documents, idempotency_keys, turns, history_heads)


def add_history_heads_table(metadata: MetaData) -> Table:
    """The end of each procurement's history chain (so removing the newest entry shows)."""
    return Table(
        "history_heads",
        metadata,
        Column("procurement_id", Uuid, primary_key=True),
        Column("last_seq", BigInteger, nullable=False),
        Column("last_hash", String(64), nullable=False),
        Column("entries", BigInteger, nullable=False),
    )


def add_turns_table(metadata: MetaData) -> Table:
    """Whose turn it is on each aggregate, due when (see docs/time-standards.md)."""
    turns = Table(
        "turns",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("procurement_id", Uuid, nullable=False, index=True),
        Column("aggregate", String(60), nullable=False),
        Column("aggregate_id", Uuid, nullable=False),
        Column("sop_step", String(8), nullable=False),
        Column("actor_role", String(40), nullable=False),
        Column("actor_id", String(200)),
        Column("work_unit", String(200)),
        Column("working_days", Integer, nullable=False),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("due_at", DateTime(timezone=True), nullable=False),
        Column("done_at", DateTime(timezone=True)),
        Column("overdue_at", DateTime(timezone=True)),
        Column("opened_by_action", String(80)),
        Column("done_by", String(200)),
        Column("done_action", String(80)),
    )
    # One open turn per aggregate.
    Index(
        "ux_turns_open_aggregate",
        turns.c.aggregate_id,
        unique=True,
        postgresql_where=turns.c.done_at.is_(None),
    )
    # The overdue scanner: open, not yet flagged, by due time.
    Index(
        "ix_turns_due_unflagged",
        turns.c.due_at,
        postgresql_where=text("done_at IS NULL AND overdue_at IS NULL"),
    )
    # "My work": by actor role and id, by work unit; and the overdue ones.
    Index("ix_turns_actor", turns.c.actor_role, turns.c.actor_id, turns.c.started_at)
    Index("ix_turns_work_unit", turns.c.work_unit, turns.c.started_at)
    Index("ix_turns_overdue", turns.c.overdue_at, postgresql_where=turns.c.overdue_at.isnot(None))
    Index("ix_turns_started", turns.c.started_at, turns.c.id)
    return turns
