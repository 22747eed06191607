"""The hash chain of a service's history: no entry can be changed or removed unnoticed.

Each history entry carries ``prev_hash`` (the ``hash`` of the previous entry of the same
procurement, ``None`` for the first) and ``hash``: the hex SHA-256 of the entry's canonical form
(:func:`canonical_form`: sorted-key compact JSON of the procurement, aggregate, ids, the time in
UTC ISO, action, actor, states, SOP step, reason, the documents with their SHA-256, and
``prev_hash``). A ``history_heads`` row per procurement keeps the last entry's seq and hash and
the number of entries, so removing the newest entry is caught too.

Pure (stdlib only): :func:`verify_chain` checks entries read in ``seq`` order.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

# The document fields the hash covers (what identifies the file and proves its content).
DOCUMENT_FIELDS = ("id", "kind", "filename", "media_type", "size", "sha256")


@dataclass(frozen=True)
class ChainEntry:
    """One history row as the chain sees it."""

    seq: int
    procurement_id: UUID
    aggregate: str
    aggregate_id: UUID
    at: datetime
    action: str
    actor_id: str | None
    actor_role: str | None
    from_state: str | None
    to_state: str | None
    sop_step: str | None
    reason: str | None
    documents: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    prev_hash: str | None = None
    hash: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "ChainEntry":
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ChainHead:
    """What the heads table says the end of one procurement's chain is."""

    procurement_id: UUID
    last_seq: int
    last_hash: str
    entries: int


@dataclass(frozen=True)
class ChainBreak:
    """The first entry whose chain breaks, and why."""

    seq: int
    procurement_id: UUID
    action: str | None
    problem: str

    def __str__(self) -> str:
        action = f" ({self.action})" if self.action else ""
        return (
            f"history entry seq {self.seq}{action} of procurement {self.procurement_id}: "
            f"{self.problem}"
        )


def utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_form(entry: ChainEntry, prev_hash: str | None) -> bytes:
    """The bytes the entry's hash is taken over (stable across Python and PostgreSQL)."""
    documents = [
        {name: document.get(name) for name in DOCUMENT_FIELDS} for document in entry.documents
    ]
    body = {
        "procurement_id": str(entry.procurement_id),
        "aggregate": entry.aggregate,
        "aggregate_id": str(entry.aggregate_id),
        "at": utc_iso(entry.at),
        "action": entry.action,
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "sop_step": entry.sop_step,
        "reason": entry.reason,
        "documents": documents,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: ChainEntry, prev_hash: str | None) -> str:
    return hashlib.sha256(canonical_form(entry, prev_hash)).hexdigest()


def verify_chain(
    entries: Iterable[ChainEntry], heads: Iterable[ChainHead] | None = None
) -> ChainBreak | None:
    """The first entry (in the order given: ``seq`` order) whose chain breaks, or ``None``.

    An entry breaks the chain when its ``prev_hash`` is not the previous entry's hash (one
    was removed, inserted or reordered before it) or its ``hash`` is not the hash of its own
    content (it was changed). With ``heads``, a procurement whose chain ends before its head
    (its newest entries removed) or that has no entries left is a break too.
    """
    last: dict[UUID, ChainEntry] = {}
    counts: dict[UUID, int] = {}
    previous_seq: int | None = None
    for entry in entries:
        if previous_seq is not None and entry.seq <= previous_seq:
            return ChainBreak(entry.seq, entry.procurement_id, entry.action, "out of seq order")
        previous_seq = entry.seq
        before = last.get(entry.procurement_id)
        expected_prev = before.hash if before is not None else None
        if entry.prev_hash != expected_prev:
            what = (
                "the first entry of its procurement carries a previous hash"
                if before is None
                else f"previous hash does not match entry seq {before.seq}"
            )
            return ChainBreak(
                entry.seq,
                entry.procurement_id,
                entry.action,
                f"{what} (an entry before it was removed, inserted or reordered)",
            )
        if entry.hash != entry_hash(entry, entry.prev_hash):
            return ChainBreak(
                entry.seq, entry.procurement_id, entry.action, "its content was changed"
            )
        last[entry.procurement_id] = entry
        counts[entry.procurement_id] = counts.get(entry.procurement_id, 0) + 1
    if heads is None:
        return None
    heads = list(heads)
    headed = {head.procurement_id for head in heads}
    for procurement_id, end in sorted(last.items(), key=lambda item: item[1].seq):
        if procurement_id not in headed:
            return ChainBreak(end.seq, procurement_id, end.action, "its procurement has no head")
    for head in sorted(heads, key=lambda h: h.last_seq):
        tail = last.get(head.procurement_id)
        if tail is None or tail.seq != head.last_seq or tail.hash != head.last_hash:
            return ChainBreak(
                head.last_seq,
                head.procurement_id,
                None,
                "missing: the chain ends "
                + (f"at seq {tail.seq}" if tail is not None else "with no entry")
                + f", its head names seq {head.last_seq} (entries removed)",
            )
        if counts[head.procurement_id] != head.entries:
            return ChainBreak(
                head.last_seq,
                head.procurement_id,
                end.action,
                f"{counts[head.procurement_id]} entries, the head counts {head.entries}",
            )
    return None
