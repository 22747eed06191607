"""The unit of work a use case writes through, and who it acts for.

A use case depends on :class:`UnitOfWork` only, never on a database session or the service's
runtime: the SQL side (:class:`epurchasing_shared.persistence.SqlUnitOfWork`) commits the
aggregate, its outbox events, its history entries, its documents and an idempotent response in
one transaction; the in-memory side (:mod:`epurchasing_shared.testing.unit_of_work`) lets the
same use case run in a unit test with no broker or database. Each service adds its
repositories to both sides.
"""

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self
from uuid import UUID, uuid4

from epurchasing_shared import log_context
from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.envelope import Actor, CloudEvent, EventPayload, make_event
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.states import SYSTEM, Change, Turn
from epurchasing_shared.principal import Principal


@dataclass(frozen=True)
class Caller:
    """Who acts (``None``: the service itself, e.g. applying another service's event) and
    what caused it (the HTTP request id or the consumed event's id)."""

    principal: Principal | None = None
    causation_id: str | None = None

    @property
    def actor(self) -> Actor | None:
        if self.principal is None:
            return None
        return Actor(id=self.principal.sub, role=str(self.principal.role))

    @classmethod
    def system(cls, causation_id: str | None = None) -> "Caller":
        return cls(principal=None, causation_id=causation_id)


@dataclass(frozen=True)
class IdempotencyKey:
    """An ``Idempotency-Key`` and the request it was sent with (method and path)."""

    key: str
    request: str


@dataclass(frozen=True)
class Outcome:
    """What a use case answers: a JSON-able body, created (201) or done (200)."""

    body: Any
    created: bool = False
    location: str | None = None
    replayed: bool = False

    @property
    def status(self) -> int:
        return 201 if self.created else 200


@dataclass(frozen=True)
class HistoryRecord:
    """One entry of the procurement's append-only history, as the unit of work writes it."""

    procurement_id: UUID
    aggregate: str
    aggregate_id: UUID
    at: datetime
    action: str
    actor: Actor | None
    from_state: str | None
    to_state: str | None
    sop_step: str | None
    reason: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)


_DEFAULT_CALENDAR: list[WorkingCalendar] = []


def default_calendar() -> WorkingCalendar:
    """The real Indonesian calendar (WIB, no regional days off), built once."""
    if not _DEFAULT_CALENDAR:
        _DEFAULT_CALENDAR.append(WorkingCalendar())
    return _DEFAULT_CALENDAR[0]


def turn_view(turn: Turn | None, now: datetime) -> dict[str, Any] | None:
    """What a resource shows of its open turn: whose turn, the SOP step, due when, overdue."""
    if turn is None:
        return None
    return {
        "sop_step": turn.sop_step,
        "actor_role": turn.actor_role,
        "actor_id": turn.actor_id,
        "work_unit": turn.work_unit,
        "started_at": turn.started_at.isoformat(),
        "due_at": turn.due_at.isoformat(),
        "overdue": turn.overdue(now),
    }


class _CallerDefault:
    """Marker: the actor is the unit of work's caller."""


CALLER = _CallerDefault()


class UnitOfWork(ABC):
    """One transaction of a use case: ``async with uow: ...`` commits on success and rolls
    everything back on any error."""

    def __init__(
        self,
        *,
        service: str,
        clock: Clock,
        caller: Caller,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.service = service
        self.clock = clock
        self.caller = caller
        # When a turn of N working days is due (the real calendar unless the runtime's).
        self.calendar = calendar or default_calendar()

    def now(self) -> datetime:
        return self.clock.now()

    async def __aenter__(self) -> Self:
        await self._begin()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is None:
            await self._commit()
        else:
            await self._rollback()

    async def record(
        self,
        payload: EventPayload,
        *,
        procurement_id: UUID | None,
        sop_step: str | None,
        subject: str | None = None,
        actor: Actor | _CallerDefault | None = CALLER,
    ) -> CloudEvent:
        """Put an integration event in this transaction's outbox (published after commit)."""
        event = make_event(
            service=self.service,
            payload=payload,
            procurement_id=procurement_id,
            time=self.now(),
            subject=subject,
            actor=self.caller.actor if isinstance(actor, _CallerDefault) else actor,
            causation_id=self.caller.causation_id,
            sop_step=sop_step,
        )
        await self._add_event(event)
        log_context.bind(procurement_id=procurement_id)  # every later line of this request
        return event

    async def history(
        self,
        change: Change,
        *,
        procurement_id: UUID,
        aggregate: str,
        aggregate_id: UUID,
        reason: str | None = None,
        documents: Sequence[DocumentRef] = (),
        actor: Actor | _CallerDefault | None = CALLER,
        actor_id: str | None = None,
        work_unit: str | None = None,
        close_turn: bool = True,
    ) -> Turn | None:
        """Append the history entry of one change (its SOP step comes from the table) and
        move the aggregate's turn: the open turn ends now and, when the change carries a time
        standard, the next actor's turn opens (role and step from the table, due from the
        working-day calendar; ``actor_id`` and ``work_unit`` say who exactly: a vendor's turn
        carries the vendor id, a PPK's or official's their user id and work unit). Returns the
        turn opened, if any. ``close_turn=False``: an entry that does not end the open turn
        (a side action while the same actor's turn goes on)."""
        record = HistoryRecord(
            procurement_id=procurement_id,
            aggregate=aggregate,
            aggregate_id=aggregate_id,
            at=self.now(),
            action=change.action,
            actor=self.caller.actor if isinstance(actor, _CallerDefault) else actor,
            from_state=change.from_state or None,
            to_state=change.to_state,
            sop_step=change.sop_step,
            reason=reason if reason is not None else change.reason,
            documents=[d.as_dict() for d in documents],
        )
        await self._add_history(record)
        standard = change.time_standard
        if close_turn or standard is not None:
            by = record.actor.id if record.actor is not None else SYSTEM
            await self._close_turn(aggregate_id, at=record.at, by=by, action=change.action)
        if standard is None:
            return None
        turn = Turn(
            id=uuid4(),
            aggregate=aggregate,
            aggregate_id=aggregate_id,
            procurement_id=procurement_id,
            sop_step=standard.step or change.sop_step,
            actor_role=standard.actor,
            actor_id=actor_id,
            work_unit=work_unit,
            working_days=standard.working_days,
            started_at=record.at,
            # In UTC, as the table gives it back: the same turn reads the same in a step's
            # answer (which the transaction knows) and in a later GET (which reads the table).
            due_at=self.calendar.add_working_days(record.at, standard.working_days).astimezone(UTC),
            opened_by_action=change.action,
        )
        await self._open_turn(turn)
        return turn

    @abstractmethod
    async def open_turn(self, aggregate_id: UUID) -> Turn | None:
        """The aggregate's open turn (whose turn it is, which step, due when), if any."""

    @abstractmethod
    async def open_turns(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Turn]:
        """The open turns of many aggregates at once (a list's page: one read, not one per
        item), by aggregate id; an aggregate with no open turn is absent."""

    @abstractmethod
    async def turns_of(self, procurement_id: UUID) -> list[Turn]:
        """Every turn of the procurement in this service, oldest first."""

    @abstractmethod
    async def _close_turn(self, aggregate_id: UUID, *, at: datetime, by: str, action: str) -> None:
        """End the aggregate's open turn, if any (done at ``at`` by ``by``'s ``action``)."""

    @abstractmethod
    async def _open_turn(self, turn: Turn) -> None: ...

    @abstractmethod
    async def save_document(
        self,
        upload: Upload,
        *,
        kind: str,
        owner_kind: str,
        owner_id: UUID,
        procurement_id: UUID | None,
    ) -> DocumentRef:
        """Keep an uploaded file and its record (uploaded by the caller, now)."""

    @abstractmethod
    async def documents_of(self, owner_id: UUID) -> list[DocumentRef]:
        """The documents of one owner, oldest first."""

    @abstractmethod
    async def documents_of_many(self, owner_ids: Iterable[UUID]) -> dict[UUID, list[DocumentRef]]:
        """The documents of many owners at once (a list's page: one read, not one per item),
        each owner's oldest first as :meth:`documents_of` gives them; every owner asked for
        is a key (an empty list when it has none)."""

    @abstractmethod
    async def replay(self, key: IdempotencyKey | None) -> Outcome | None:
        """The remembered outcome of an earlier request with this key, if any (a 422
        :class:`~epurchasing_shared.kernel.errors.RuleViolation` when the key was used for
        another request)."""

    @abstractmethod
    async def remember(self, key: IdempotencyKey | None, outcome: Outcome) -> None:
        """Remember the outcome under the key, in this transaction."""

    @abstractmethod
    async def first_delivery(self, consumer: str, event: CloudEvent) -> bool:
        """Record ``event`` as handled by ``consumer`` in this transaction (the inbox); False
        when it was handled before (a duplicate, whose effects must not be applied again)."""

    @abstractmethod
    async def _begin(self) -> None: ...

    @abstractmethod
    async def _commit(self) -> None: ...

    @abstractmethod
    async def _rollback(self) -> None: ...

    @abstractmethod
    async def _add_event(self, event: CloudEvent) -> None: ...

    @abstractmethod
    async def _add_history(self, record: HistoryRecord) -> None: ...
