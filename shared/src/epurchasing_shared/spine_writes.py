"""What a transaction writes to the spine, sent at commit in two statements instead of eight.

A state change appends a history entry (chained to the procurement's previous one), ends the
aggregate's open turn, opens the next actor's turn and records its events with a ``NOTIFY``.
Written one statement at a time that was about eight round trips to PostgreSQL per change —
the services' largest cost (docs/performance.md). The SQL unit of work keeps these writes in a
:class:`PendingSpine` until commit (or until the transaction reads its turns) and then sends:

1. the lock and read of the procurements' chain heads (``SELECT … FOR UPDATE``; the first entry
   of a procurement in this service takes the advisory lock first, since there is no head row
   to lock yet);
2. one statement writing every entry, head, closed and opened turn and outbox row, and the
   outbox's ``pg_notify``: each part is one ``unnest`` of arrays, so the SQL is the same
   whatever the counts and PostgreSQL prepares it once per connection.

The order of what the transaction did is kept: entries and events in the order recorded (by
``WITH ORDINALITY``, so their ``seq`` follows it), and the turns' net effect is computed here
(:func:`net_turns`): a turn opened and ended within the transaction is written ended.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import fetch_sql
from epurchasing_shared.history import advisory_key
from epurchasing_shared.history_chain import ChainEntry, entry_hash
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import HistoryRecord
from epurchasing_shared.messaging.outbox import NOTIFY_CHANNEL, outbox_row
from epurchasing_shared.spine import SpineTables


@dataclass(frozen=True)
class CloseTurn:
    """End the aggregate's open turn (whoever's it is) at ``at``, by ``by``'s ``action``."""

    aggregate_id: UUID
    at: datetime
    by: str
    action: str


@dataclass
class PendingSpine:
    """The spine writes of one transaction not yet sent, in the order they were made."""

    entries: list[HistoryRecord] = field(default_factory=list)
    turns: list[CloseTurn | Turn] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)  # outbox rows

    def __bool__(self) -> bool:
        return bool(self.entries or self.turns or self.events)

    def open_turn(self, aggregate_id: UUID) -> tuple[bool, Turn | None]:
        """(known, the aggregate's open turn) from this transaction's own changes: its last
        change of the aggregate decides (ended: none; opened: that turn); not known when it
        changed no turn of the aggregate (then the table says)."""
        for change in reversed(self.turns):
            if change.aggregate_id != aggregate_id:
                continue
            if isinstance(change, CloseTurn):
                return True, None
            if change.done_at is None:
                return True, change
        return False, None

    def clear(self) -> None:
        self.entries.clear()
        self.turns.clear()
        self.events.clear()


def net_turns(changes: list[CloseTurn | Turn]) -> tuple[dict[UUID, CloseTurn], list[Turn]]:
    """What the turn changes of one transaction leave: the turns open before it that it ends
    (by aggregate: the first end counts, a second finds nothing open) and the turns it opens,
    each ended already if a later change of the transaction ended it. Pure."""
    ended: dict[UUID, CloseTurn] = {}
    opened: list[Turn] = []
    still_open: dict[UUID, int] = {}  # aggregate -> index in ``opened`` of its open turn
    for change in changes:
        if isinstance(change, CloseTurn):
            index = still_open.pop(change.aggregate_id, None)
            if index is not None:
                opened[index] = replace(
                    opened[index], done_at=change.at, done_by=change.by, done_action=change.action
                )
            else:
                ended.setdefault(change.aggregate_id, change)
        else:
            if change.done_at is None:
                still_open[change.aggregate_id] = len(opened)
            opened.append(change)
    return ended, opened


def chain(
    entries: list[HistoryRecord], heads: dict[UUID, tuple[str | None, int]]
) -> list[tuple[str | None, str]]:
    """Each entry's (previous hash, hash), chained in order to its procurement's head;
    ``heads`` (procurement -> (last hash, entries)) is moved on to the new ends."""
    links: list[tuple[str | None, str]] = []
    for entry in entries:
        previous, count = heads[entry.procurement_id]
        digest = entry_hash(
            ChainEntry(
                seq=0,
                procurement_id=entry.procurement_id,
                aggregate=entry.aggregate,
                aggregate_id=entry.aggregate_id,
                at=entry.at,
                action=entry.action,
                actor_id=entry.actor.id if entry.actor else None,
                actor_role=entry.actor.role if entry.actor else None,
                from_state=entry.from_state,
                to_state=entry.to_state,
                sop_step=entry.sop_step,
                reason=entry.reason,
                documents=entry.documents,
            ),
            previous,
        )
        links.append((previous, digest))
        heads[entry.procurement_id] = (digest, count + 1)
    return links


async def lock_heads(
    session: AsyncConnection, spine: SpineTables, wanted: list[UUID]
) -> dict[UUID, tuple[str | None, int]]:
    """Lock the chain heads of ``wanted`` procurements until commit and read them (last hash,
    entries), in one statement: first the procurements' advisory locks (the lock every writer
    of a chain takes, this version's and the previous one's, which took no row lock: a rolling
    upgrade cannot fork a chain), then the head rows ``FOR UPDATE``. The statement's snapshot
    predates the wait for those locks, but ``FOR UPDATE`` returns a head's newest version; a
    head inserted meanwhile is not in that snapshot, so a procurement without one is looked
    up again (a new statement, the lock held). Locks are taken in key order (no deadlock
    between two writers of several procurements)."""
    ordered = sorted(wanted, key=advisory_key)
    keys = [advisory_key(p) for p in ordered]
    rows = await fetch_sql(session, _lock_heads_sql(spine.history_heads), ordered, keys)
    found: dict[UUID, tuple[str | None, int]] = {r[0]: (r[1], r[2]) for r in rows}
    missing = [p for p in ordered if p not in found]
    if missing:
        again = await fetch_sql(session, _lock_heads_sql(spine.history_heads), missing, [])
        found.update({r[0]: (r[1], r[2]) for r in again})
    return {p: found.get(p, (None, 0)) for p in wanted}


async def flush(
    session: AsyncConnection,
    spine: SpineTables,
    pending: PendingSpine,
    heads: dict[UUID, tuple[str | None, int]],
) -> None:
    """Send the pending writes (see the module's docstring); ``heads`` is the transaction's
    own record of the chain ends it holds, kept across flushes."""
    if not pending:
        return
    wanted = sorted({e.procurement_id for e in pending.entries} - heads.keys())
    if wanted:
        heads.update(await lock_heads(session, spine, wanted))
    links = chain(pending.entries, heads)
    ended, opened = net_turns(pending.turns)
    entries, events = pending.entries, pending.events
    last_of = {e.procurement_id: heads[e.procurement_id] for e in entries}
    parameters = (
        # history
        [e.procurement_id for e in entries],
        [e.aggregate for e in entries],
        [e.aggregate_id for e in entries],
        [e.at for e in entries],
        [e.action for e in entries],
        [e.actor.id if e.actor else None for e in entries],
        [e.actor.role if e.actor else None for e in entries],
        [e.from_state for e in entries],
        [e.to_state for e in entries],
        [e.sop_step for e in entries],
        [e.reason for e in entries],
        [json.dumps(e.documents, separators=(",", ":")) for e in entries],
        [previous for previous, _ in links],
        [digest for _, digest in links],
        # heads: the last hash and the count per procurement (its seq comes from the insert)
        list(last_of),
        [last_hash for last_hash, _ in last_of.values()],
        [count for _, count in last_of.values()],
        # turns ended
        list(ended),
        [c.at for c in ended.values()],
        [c.by for c in ended.values()],
        [c.action for c in ended.values()],
        # turns opened
        [t.id for t in opened],
        [t.procurement_id for t in opened],
        [t.aggregate for t in opened],
        [t.aggregate_id for t in opened],
        [t.sop_step for t in opened],
        [t.actor_role for t in opened],
        [t.actor_id for t in opened],
        [t.work_unit for t in opened],
        [t.working_days for t in opened],
        [t.started_at for t in opened],
        [t.due_at for t in opened],
        [t.done_at for t in opened],
        [t.done_by for t in opened],
        [t.done_action for t in opened],
        [t.opened_by_action for t in opened],
        # outbox
        [row["event_id"] for row in events],
        [row["event_type"] for row in events],
        [json.dumps(row["envelope"], separators=(",", ":")) for row in events],
        [row["traceparent"] for row in events],
        [row["created_at"] for row in events],
    )
    await fetch_sql(session, _flush_sql(spine), *parameters)
    pending.clear()


@cache
def _lock_heads_sql(heads: Table) -> str:
    # The count of "locked" is a one-time filter: evaluated (the advisory locks taken, in the
    # order given) before the heads are scanned and locked.
    return f"""
WITH locked AS MATERIALIZED (
    SELECT pg_advisory_xact_lock(k.key) FROM unnest($2::bigint[]) WITH ORDINALITY AS k(key, n)
    ORDER BY k.n
)
SELECT procurement_id, last_hash, entries FROM {heads.fullname}
WHERE procurement_id = ANY($1::uuid[]) AND (SELECT count(*) FROM locked) >= 0
ORDER BY procurement_id FOR UPDATE
"""


@cache
def _flush_sql(spine: SpineTables) -> str:
    history, heads = spine.history.fullname, spine.history_heads.fullname
    turns, outbox = spine.turns.fullname, spine.outbox.fullname
    # Every part reads its own arrays; "opened" reads "ended" so the open turns are ended
    # before the next ones are inserted (one open turn per aggregate: ux_turns_open_aggregate),
    # and the NOTIFY runs once when there is an event (delivered at commit only).
    return f"""
WITH entry AS (
    INSERT INTO {history} (procurement_id, aggregate, aggregate_id, at, action, actor_id,
        actor_role, from_state, to_state, sop_step, reason, documents, prev_hash, hash)
    SELECT e.procurement_id, e.aggregate, e.aggregate_id, e.at, e.action, e.actor_id,
        e.actor_role, e.from_state, e.to_state, e.sop_step, e.reason, e.documents::jsonb,
        e.prev_hash, e.hash
    FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::text[], $6::text[],
        $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
        $14::text[]) WITH ORDINALITY AS e(procurement_id, aggregate, aggregate_id, at, action,
        actor_id, actor_role, from_state, to_state, sop_step, reason, documents, prev_hash,
        hash, n)
    ORDER BY e.n
    RETURNING procurement_id, seq, hash
), head AS (
    INSERT INTO {heads} (procurement_id, last_seq, last_hash, entries)
    SELECT h.procurement_id, entry.seq, h.last_hash, h.entries
    FROM unnest($15::uuid[], $16::text[], $17::bigint[]) AS h(procurement_id, last_hash, entries)
    JOIN entry ON entry.procurement_id = h.procurement_id AND entry.hash = h.last_hash
    ON CONFLICT (procurement_id) DO UPDATE SET last_seq = excluded.last_seq,
        last_hash = excluded.last_hash, entries = excluded.entries
    RETURNING 1
), ended AS (
    UPDATE {turns} SET done_at = c.done_at, done_by = c.done_by, done_action = c.done_action
    FROM unnest($18::uuid[], $19::timestamptz[], $20::text[], $21::text[])
        AS c(aggregate_id, done_at, done_by, done_action)
    WHERE {turns}.aggregate_id = c.aggregate_id AND {turns}.done_at IS NULL
    RETURNING 1
), opened AS (
    INSERT INTO {turns} (id, procurement_id, aggregate, aggregate_id, sop_step, actor_role,
        actor_id, work_unit, working_days, started_at, due_at, done_at, done_by, done_action,
        opened_by_action)
    SELECT t.* FROM unnest($22::uuid[], $23::uuid[], $24::text[], $25::uuid[], $26::text[],
        $27::text[], $28::text[], $29::text[], $30::int[], $31::timestamptz[],
        $32::timestamptz[], $33::timestamptz[], $34::text[], $35::text[], $36::text[]) AS t
    WHERE (SELECT count(*) FROM ended) >= 0
    RETURNING 1
), event AS (
    INSERT INTO {outbox} (event_id, event_type, envelope, traceparent, created_at)
    SELECT o.event_id, o.event_type, o.envelope::jsonb, o.traceparent, o.created_at
    FROM unnest($37::uuid[], $38::text[], $39::text[], $40::text[], $41::timestamptz[])
        WITH ORDINALITY AS o(event_id, event_type, envelope, traceparent, created_at, n)
    ORDER BY o.n
    RETURNING 1
)
SELECT (SELECT count(*) FROM entry), (SELECT count(*) FROM head),
    (SELECT count(*) FROM opened), (SELECT count(*) FROM event),
    (SELECT count(*) FROM (SELECT pg_notify('{NOTIFY_CHANNEL}', '') FROM event LIMIT 1) AS woken)
"""


__all__ = ["CloseTurn", "PendingSpine", "chain", "flush", "lock_heads", "net_turns", "outbox_row"]
