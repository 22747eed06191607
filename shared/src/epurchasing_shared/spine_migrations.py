"""Shared Alembic steps of the spine, so that each service's revision is one line of logic.

``upgrade_turns_and_chain(op)`` (revision 0004 of competition, ordering and delivery; 0003 of
rating): the ``turns`` table, the history's hash chain (``prev_hash``, ``hash``, the
``history_heads`` table) and the trigger that makes the history append-only. Existing history
rows get their hashes computed here, in ``seq`` order per procurement, before the trigger is
created: the chain covers the whole history, old rows included.
"""

from typing import Any

import sqlalchemy as sa

from epurchasing_shared.history_chain import ChainEntry, entry_hash
from epurchasing_shared.spine import (
    APPEND_ONLY_FUNCTION,
    APPEND_ONLY_TRIGGERS,
    add_history_heads_table,
    add_turns_table,
)


def upgrade_turns_and_chain(op: Any) -> None:
    bind = op.get_bind()
    op.add_column("history", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("history", sa.Column("hash", sa.String(64), nullable=True))
    metadata = sa.MetaData()
    heads = add_history_heads_table(metadata)
    turns = add_turns_table(metadata)
    heads.create(bind)
    turns.create(bind)
    _hash_existing_rows(bind, heads)
    op.alter_column("history", "hash", nullable=False)
    op.execute(APPEND_ONLY_FUNCTION)
    for trigger in APPEND_ONLY_TRIGGERS:
        op.execute(trigger)


def downgrade_turns_and_chain(op: Any) -> None:
    op.execute("DROP TRIGGER IF EXISTS history_no_truncate ON history")
    op.execute("DROP TRIGGER IF EXISTS history_append_only ON history")
    op.execute("DROP FUNCTION IF EXISTS epurchasing_refuse_change()")
    op.drop_table("turns")
    op.drop_table("history_heads")
    op.drop_column("history", "hash")
    op.drop_column("history", "prev_hash")


def add_spine_history_columns() -> sa.TableClause:
    from sqlalchemy.dialects.postgresql import JSONB

    return sa.table(
        "history",
        sa.column("seq", sa.BigInteger),
        sa.column("procurement_id", sa.Uuid),
        sa.column("aggregate", sa.String),
        sa.column("aggregate_id", sa.Uuid),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("action", sa.String),
        sa.column("actor_id", sa.String),
        sa.column("actor_role", sa.String),
        sa.column("from_state", sa.String),
        sa.column("to_state", sa.String),
        sa.column("sop_step", sa.String),
        sa.column("reason", sa.Text),
        sa.column("documents", JSONB),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )


def _hash_existing_rows(bind: Any, heads: sa.Table) -> None:
    # The history as revision 0001 made it, plus the two new columns (typed, so that the
    # documents come back as JSON and the ids as UUIDs, as the service writes them).
    history = add_spine_history_columns()
    last: dict[Any, tuple[int, str, int]] = {}
    rows = bind.execute(sa.select(history).order_by(history.c.seq)).mappings().all()
    for row in rows:
        entry = ChainEntry.from_row(row)
        before = last.get(entry.procurement_id)
        previous = before[1] if before else None
        digest = entry_hash(entry, previous)
        bind.execute(
            sa.update(history)
            .where(history.c.seq == entry.seq)
            .values(prev_hash=previous, hash=digest)
        )
        last[entry.procurement_id] = (entry.seq, digest, (before[2] if before else 0) + 1)
    if last:
        bind.execute(
            sa.insert(heads),
            [
                {"procurement_id": p, "last_seq": s, "last_hash": h, "entries": n}
                for p, (s, h, n) in last.items()
            ],
        )
