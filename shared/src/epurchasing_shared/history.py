"""The append-only, hash-chained history of every state change of a procurement in one service.

Writers of one procurement are serialised by a transaction-scoped advisory lock on the
procurement id (different procurements never wait for each other); each entry carries the hash
of the procurement's previous entry (:mod:`epurchasing_shared.history_chain`), and the
``history_heads`` row of the procurement keeps the chain's end.
"""

from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import BigInteger, Select, Table, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import ReturningInsert

from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.history_chain import ChainEntry, ChainHead, entry_hash


class HistoryEntry(BaseModel):
    at: datetime
    aggregate: str
    aggregate_id: UUID
    action: str
    actor_id: str | None
    actor_role: str | None
    from_state: str | None
    to_state: str | None
    sop_step: str | None
    reason: str | None
    documents: list[dict[str, Any]]


async def append_history(
    session: AsyncConnection,
    table: Table,
    *,
    procurement_id: UUID,
    aggregate: str,
    aggregate_id: UUID,
    at: datetime,
    action: str,
    actor: Actor | None,
    from_state: str | None,
    to_state: str | None,
    sop_step: str | None,
    reason: str | None = None,
    documents: list[dict[str, Any]] | None = None,
    heads: Table | None = None,
    known: dict[UUID, tuple[str, int]] | None = None,
) -> int:
    """Append one entry, chained to the procurement's previous one; its ``seq``.

    ``heads`` is the spine's ``history_heads`` table (the chain's end per procurement); without
    it the previous hash is read from the history itself. ``known`` is the transaction's own
    record of the heads it wrote (hash, entries): a second entry of the same procurement in one
    transaction already holds the lock and knows the head, so it neither locks nor reads
    again."""
    previous: str | None
    count = 0
    if known is not None and procurement_id in known:
        previous, count = known[procurement_id]
    elif heads is not None:
        await lock_procurement(session, procurement_id)
        found = await session.execute(_head_of(heads), {"procurement_id": procurement_id})
        head = found.first()
        previous, count = (head.last_hash, head.entries) if head else (None, 0)
    else:
        await lock_procurement(session, procurement_id)
        previous = await session.scalar(
            select(table.c.hash)
            .where(table.c.procurement_id == procurement_id)
            .order_by(table.c.seq.desc())
            .limit(1)
        )
    values: dict[str, Any] = dict(
        procurement_id=procurement_id,
        aggregate=aggregate,
        aggregate_id=aggregate_id,
        at=at,
        action=action,
        actor_id=actor.id if actor else None,
        actor_role=actor.role if actor else None,
        from_state=from_state,
        to_state=to_state,
        sop_step=sop_step,
        reason=reason,
        documents=documents or [],
    )
    digest = entry_hash(ChainEntry(seq=0, **values), previous)
    added = await session.execute(
        _insert_entry(table), {**values, "prev_hash": previous, "hash": digest}
    )
    seq = int(added.scalar_one())
    if heads is not None:
        head_values = dict(last_seq=seq, last_hash=digest, entries=count + 1)
        await session.execute(
            _upsert_head(heads), {"procurement_id": procurement_id, **head_values}
        )
    if known is not None:
        known[procurement_id] = (digest, count + 1)
    return seq


# The statements of every append, built once per table: building them per call (``values()``,
# comparisons, their cache keys) cost more CPU than executing them (docs/performance.md).
_LOCK = select(func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger)))


@cache
def _head_of(heads: Table) -> Select[Any]:
    return select(heads.c.last_hash, heads.c.entries).where(
        heads.c.procurement_id == bindparam("procurement_id")
    )


@cache
def _insert_entry(table: Table) -> ReturningInsert[Any]:
    return insert(table).returning(table.c.seq)


@cache
def _upsert_head(heads: Table) -> Any:
    statement = pg_insert(heads)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[heads.c.procurement_id],
        set_={
            "last_seq": excluded.last_seq,
            "last_hash": excluded.last_hash,
            "entries": excluded.entries,
        },
    )


def advisory_key(procurement_id: UUID) -> int:
    """The advisory lock key of a procurement's history chain (every writer takes it)."""
    return int.from_bytes(procurement_id.bytes[:8], "big", signed=True)


async def lock_procurement(session: AsyncConnection, procurement_id: UUID) -> None:
    """Serialise this transaction with every other writer of the procurement's history chain
    (released at commit or rollback)."""
    await session.execute(_LOCK, {"key": advisory_key(procurement_id)})


async def read_chain(
    session: AsyncConnection, table: Table, heads: Table
) -> tuple[list[ChainEntry], list[ChainHead]]:
    """Every entry of the history in seq order, and the chain heads (for verify_chain)."""
    rows = (await session.execute(select(table).order_by(table.c.seq))).mappings()
    entries = [ChainEntry.from_row(dict(row)) for row in rows]
    found = (await session.execute(select(heads))).mappings()
    return entries, [ChainHead(**dict(row)) for row in found]


async def read_history(
    session: AsyncConnection, table: Table, procurement_id: UUID
) -> list[HistoryEntry]:
    rows = (
        await session.execute(
            select(table).where(table.c.procurement_id == procurement_id).order_by(table.c.seq)
        )
    ).mappings()
    return [HistoryEntry.model_validate(dict(r)) for r in rows]
