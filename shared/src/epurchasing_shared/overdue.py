"""The overdue scanner: every service flags its late turns, once each, replicas or not.

Every ``interval`` seconds it claims one open, not yet flagged turn whose ``due_at`` has passed
(``FOR UPDATE SKIP LOCKED``: a turn another replica is flagging is skipped, not waited for) and,
in that one transaction, records ``<service>.step_overdue.v1`` in the outbox, sets the turn's
``overdue_at`` and runs the service's ``on_overdue(uow, turn)`` hook (an automatic consequence
such as cancelling the package). Committed together or not at all: a turn is flagged exactly
once, and a replica that stops mid-way leaves it for the next scan (nothing is kept in memory).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import select, update

from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.contracts.common import StepOverdue
from epurchasing_shared.contracts.registry import model_for
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.turns import turn_from_row

log = logging.getLogger("epurchasing.overdue")

OverdueHook = Callable[[UnitOfWork, Turn], Awaitable[None]]


def step_overdue_type(service: str) -> type[StepOverdue]:
    """The service's ``<service>.step_overdue.v1`` payload class (from the contracts)."""
    found = model_for(f"{service}.step_overdue.v1")
    assert issubclass(found, StepOverdue)
    return found


def step_overdue(
    service: str, turn: Turn, detected_at: datetime, calendar: WorkingCalendar
) -> StepOverdue:
    """The event payload saying ``turn`` is late at ``detected_at``."""
    late = max(detected_at - turn.due_at, timedelta(0))
    return step_overdue_type(service)(
        procurement_id=turn.procurement_id,
        aggregate=turn.aggregate,
        aggregate_id=turn.aggregate_id,
        sop_step=turn.sop_step,
        actor_role=turn.actor_role,
        actor_id=turn.actor_id,
        work_unit=turn.work_unit,
        started_at=turn.started_at,
        due_at=turn.due_at,
        detected_at=detected_at,
        late_seconds=int(late.total_seconds()),
        late_working_days=max(calendar.working_days_between(turn.due_at, detected_at), 0),
    )


class OverdueScanner:
    """Flags the late turns of one service's database (run by every replica)."""

    def __init__(
        self,
        *,
        service: str,
        unit_of_work: Callable[[Caller], SqlUnitOfWork],
        interval: float,
        on_overdue: OverdueHook | None = None,
        batch: int = 500,
    ) -> None:
        self.service = service
        self.unit_of_work = unit_of_work
        self.interval = interval
        self.on_overdue = on_overdue
        self.batch = batch
        step_overdue_type(service)  # fail at start, not at the first late turn

    async def flag_one(self, skip: set[UUID]) -> Turn | None:
        """Flag one late turn in one transaction (event, ``overdue_at``, hook); the turn, or
        None when no unclaimed late turn is left."""
        async with self.unit_of_work(Caller.system()) as uow:
            turns = uow.spine.turns
            now = uow.now()
            query = (
                select(turns)
                .where(
                    turns.c.done_at.is_(None),
                    turns.c.overdue_at.is_(None),
                    turns.c.due_at <= now,
                )
                .order_by(turns.c.due_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if skip:
                query = query.where(turns.c.id.notin_(skip))
            row = (await uow.session.execute(query)).mappings().first()
            if row is None:
                return None
            turn = turn_from_row(row)
            skip.add(turn.id)  # type: ignore[arg-type]
            payload = step_overdue(self.service, turn, now, uow.calendar)
            await uow.record(
                payload,
                procurement_id=turn.procurement_id,
                sop_step=turn.sop_step,
                subject=f"{turn.aggregate}/{turn.aggregate_id}",
                actor=None,
            )
            await uow.session.execute(
                update(turns).where(turns.c.id == turn.id).values(overdue_at=now)
            )
            if self.on_overdue is not None:
                await self.on_overdue(uow, turn)
            return turn

    async def scan_once(self) -> list[Turn]:
        """Flag every late turn found now (a failing one is logged and left for later)."""
        flagged: list[Turn] = []
        tried: set[UUID] = set()
        while len(tried) < self.batch:
            before = len(tried)
            try:
                turn = await self.flag_one(tried)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: flagging a late turn failed; retried next scan", self.service)
                if len(tried) == before:  # not the turn's fault (the database is away)
                    break
                continue
            if turn is None:
                break
            flagged.append(turn)
        return flagged

    async def run(self) -> None:
        while True:
            try:
                await self.scan_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away: try again at the next tick
                log.warning("%s: overdue scan failed", self.service, exc_info=True)
            await asyncio.sleep(self.interval)
