"""An in-memory unit of work, so use cases run in unit tests with no broker or database.

Everything a transaction writes is kept in :class:`MemoryStore`; on an error the store is
put back as it was when the unit of work began (a deep copy), as a rollback would. A service's
fake adds its repositories on top of ``store.tables`` (dicts it owns). Every unit of work has
its mail outbox (``uow.mail_outbox``, :class:`MemoryMailOutbox` on ``store.table("mail_outbox")``;
``store.mails()`` lists it).
"""

import copy
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.clock import Clock, FixedClock
from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import (
    Caller,
    HistoryRecord,
    IdempotencyKey,
    Outcome,
    UnitOfWork,
)
from epurchasing_shared.mail import QueuedEmail

MAIL_OUTBOX = "mail_outbox"


@dataclass
class MemoryStore:
    """What the "database" holds: the spine's records and the service's own tables."""

    events: list[CloudEvent] = field(default_factory=list)
    history: list[HistoryRecord] = field(default_factory=list)
    documents: dict[UUID, tuple[UUID, DocumentRef]] = field(default_factory=dict)
    responses: dict[tuple[str, str], tuple[str, Outcome]] = field(default_factory=dict)
    tables: dict[str, dict[Any, Any]] = field(default_factory=dict)
    inbox: set[tuple[str, UUID]] = field(default_factory=set)
    turns: list[Turn] = field(default_factory=list)
    commits: int = 0
    # What commits on its own, outside any unit of work's transaction (the runtime's
    # autonomous pool, e.g. ordering's order-number counters): a rollback leaves it.
    autonomous: dict[str, dict[Any, Any]] = field(default_factory=dict)

    def table(self, name: str) -> dict[Any, Any]:
        return self.tables.setdefault(name, {})

    def autonomous_table(self, name: str) -> dict[Any, Any]:
        return self.autonomous.setdefault(name, {})

    def event_types(self) -> list[str]:
        return [e.type for e in self.events]

    def mails(self, table: str = MAIL_OUTBOX, kind: str | None = None) -> list[QueuedEmail]:
        """The mail outbox's e-mails (of ``kind``, if given), in the order they were queued."""
        rows = self.table(table).values()
        return [e for e in rows if kind is None or e.kind == kind]


class MemoryMailOutbox:
    """The mail outbox by Message-ID (the dedupe key), on one of the store's tables; it keeps
    and returns copies. There are no locks: in memory one transaction runs at a time."""

    def __init__(self, rows: dict[str, QueuedEmail]) -> None:
        self.rows = rows

    async def queue(self, email: QueuedEmail) -> bool:
        if email.message_id in self.rows:
            return False
        self.rows[email.message_id] = copy.deepcopy(email)
        return True

    async def claim_next(self, now: datetime) -> tuple[QueuedEmail | None, bool]:
        due = [
            e
            for e in self.rows.values()
            if e.status in ("pending", "sending") and e.next_attempt_at <= now
        ]
        if not due:
            return None, False
        return copy.deepcopy(min(due, key=lambda e: e.next_attempt_at)), len(due) > 1

    async def save(self, email: QueuedEmail) -> None:
        self.rows[email.message_id] = copy.deepcopy(email)

    async def by_message_id(
        self, message_id: str, *, for_update: bool = False
    ) -> QueuedEmail | None:
        return copy.deepcopy(self.rows.get(message_id))

    async def of_aggregate(self, aggregate_id: UUID) -> list[QueuedEmail]:
        found = [e for e in self.rows.values() if e.aggregate_id == aggregate_id]
        return copy.deepcopy(sorted(found, key=lambda e: e.created_at))


class InMemoryUnitOfWork(UnitOfWork):
    """The unit of work of a unit test; subclasses open their repositories in :meth:`_open`."""

    def __init__(
        self,
        store: MemoryStore | None = None,
        *,
        service: str = "test",
        clock: Clock | None = None,
        caller: Caller | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        super().__init__(
            service=service,
            clock=clock or FixedClock(),
            caller=caller or Caller(),
            calendar=calendar,
        )
        self.store = store or MemoryStore()
        self._before: MemoryStore | None = None

    def _open(self) -> None:
        """Open the service's repositories on ``self.store`` (a hook for subclasses)."""

    async def _begin(self) -> None:
        self._before = copy.deepcopy(self.store)
        self.mail_outbox = MemoryMailOutbox(self.store.table(MAIL_OUTBOX))
        self._open()

    async def _commit(self) -> None:
        self.store.commits += 1
        self._before = None

    async def _rollback(self) -> None:
        assert self._before is not None
        # Put back every table the repositories hold a reference to, in place.
        for name, rows in self._before.tables.items():
            live = self.store.table(name)
            live.clear()
            live.update(rows)
        for name in set(self.store.tables) - set(self._before.tables):
            self.store.tables[name].clear()
        self.store.events[:] = self._before.events
        self.store.history[:] = self._before.history
        self.store.turns[:] = self._before.turns
        self.store.documents.clear()
        self.store.documents.update(self._before.documents)
        self.store.responses.clear()
        self.store.responses.update(self._before.responses)
        self.store.inbox.clear()
        self.store.inbox.update(self._before.inbox)
        self._before = None

    async def _add_event(self, event: CloudEvent) -> None:
        self.store.events.append(event)

    async def _add_history(self, record: HistoryRecord) -> None:
        self.store.history.append(record)

    async def _open_turn(self, turn: Turn) -> None:
        if any(t.aggregate_id == turn.aggregate_id and t.is_open for t in self.store.turns):
            raise AssertionError(f"two open turns on {turn.aggregate} {turn.aggregate_id}")
        self.store.turns.append(turn)

    async def _close_turn(self, aggregate_id: UUID, *, at: datetime, by: str, action: str) -> None:
        for index, turn in enumerate(self.store.turns):
            if turn.aggregate_id == aggregate_id and turn.is_open:
                self.store.turns[index] = replace(turn, done_at=at, done_by=by, done_action=action)

    async def open_turn(self, aggregate_id: UUID) -> Turn | None:
        found = [t for t in self.store.turns if t.aggregate_id == aggregate_id and t.is_open]
        return found[0] if found else None

    async def open_turns(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Turn]:
        wanted = set(aggregate_ids)
        return {
            t.aggregate_id: t for t in self.store.turns if t.aggregate_id in wanted and t.is_open
        }

    async def turns_of(self, procurement_id: UUID) -> list[Turn]:
        return [t for t in self.store.turns if t.procurement_id == procurement_id]

    async def first_delivery(self, consumer: str, event: CloudEvent) -> bool:
        if (consumer, event.id) in self.store.inbox:
            return False
        self.store.inbox.add((consumer, event.id))
        return True

    async def save_document(
        self,
        upload: Upload,
        *,
        kind: str,
        owner_kind: str,
        owner_id: UUID,
        procurement_id: UUID | None,
    ) -> DocumentRef:
        ref = DocumentRef(
            id=uuid4(),
            kind=kind,
            filename=upload.filename,
            media_type=upload.media_type,
            size=upload.size,
            sha256=hashlib.sha256(upload.content).hexdigest(),
            uploaded_by=self.caller.principal.sub if self.caller.principal else "system",
            uploaded_at=self.now(),
        )
        self.store.documents[ref.id] = (owner_id, ref)
        return ref

    async def documents_of(self, owner_id: UUID) -> list[DocumentRef]:
        found = [ref for owner, ref in self.store.documents.values() if owner == owner_id]
        return sorted(found, key=lambda ref: ref.uploaded_at)

    async def documents_of_many(self, owner_ids: Iterable[UUID]) -> dict[UUID, list[DocumentRef]]:
        found: dict[UUID, list[DocumentRef]] = {owner: [] for owner in owner_ids}
        for owner, ref in self.store.documents.values():
            if owner in found:
                found[owner].append(ref)
        return {
            owner: sorted(refs, key=lambda ref: ref.uploaded_at) for owner, refs in found.items()
        }

    async def replay(self, key: IdempotencyKey | None) -> Outcome | None:
        if key is None or self.caller.principal is None:
            return None
        found = self.store.responses.get((self.caller.principal.sub, key.key))
        if found is None:
            return None
        request, outcome = found
        if request != key.request:
            raise RuleViolation.one(
                "Idempotency-Key", f"Idempotency-Key {key.key!r} was used for {request}"
            )
        return Outcome(outcome.body, outcome.created, outcome.location, replayed=True)

    async def remember(self, key: IdempotencyKey | None, outcome: Outcome) -> None:
        if key is None or self.caller.principal is None:
            return
        self.store.responses[(self.caller.principal.sub, key.key)] = (key.request, outcome)
