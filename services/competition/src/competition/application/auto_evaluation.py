"""Automatic evaluation at the offer deadline (SOP step 11, api.md: "also automatic").

Every ``COMPETITION_AUTO_EVALUATE_SECONDS`` the service looks for open competitions whose
offer deadline has passed (by the injected clock) and evaluates each one with the same use
case as ``POST /competitions/{id}/evaluate``, as the ``system`` actor.

Several replicas may run this loop: each competition is claimed with ``FOR UPDATE SKIP
LOCKED`` in its own transaction, so a replica never waits for, nor evaluates, a competition
another replica (or the official's request) holds. Whoever gets the lock second sees the
state already ``evaluated:*``; the state machine refuses a second evaluation and the claim is
rolled back without effect.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters.tables import competitions
from competition.application.results import evaluate_competition
from competition.domain import competition as cp
from competition.domain.errors import ActionNotAllowed
from epurchasing_shared.service import Runtime

log = logging.getLogger("competition.auto_evaluation")


async def claim_due_competition(
    session: AsyncSession, now: datetime, skip: Sequence[UUID] = ()
) -> UUID | None:
    """Lock one open competition past its deadline that no one else holds (None if none)."""
    query = (
        select(competitions.c.id)
        .where(competitions.c.state == cp.OPEN, competitions.c.offer_deadline <= now)
        .order_by(competitions.c.offer_deadline, competitions.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(competitions.c.id.not_in(list(skip)))
    found: UUID | None = await session.scalar(query)
    return found


async def evaluate_due_competitions(runtime: Runtime) -> list[UUID]:
    """Evaluate every competition due now, one transaction each; returns those evaluated."""
    evaluated: list[UUID] = []
    skipped: list[UUID] = []  # refused or broken this round: do not spin on them
    while True:
        claimed: UUID | None = None
        try:
            async with runtime.unit_of_work() as session:
                claimed = await claim_due_competition(session, runtime.clock.now(), skipped)
                if claimed is None:
                    return evaluated
                await evaluate_competition(runtime, session, None, claimed)
            evaluated.append(claimed)
        except ActionNotAllowed as refused:  # evaluated meanwhile, or not due after all
            log.info("competition %s not evaluated automatically: %s", claimed, refused)
            if claimed is not None:
                skipped.append(claimed)
        except Exception:
            log.exception("automatic evaluation of competition %s failed", claimed)
            if claimed is None:
                return evaluated  # the claim itself failed (database away): next round
            skipped.append(claimed)


async def run_auto_evaluation(runtime: Runtime, interval_seconds: float) -> None:
    """Evaluate due competitions now and then every ``interval_seconds``, until cancelled."""
    while True:
        try:
            done = await evaluate_due_competitions(runtime)
            if done:
                log.info("evaluated %d competition(s) at their deadline", len(done))
        except Exception:  # never let one bad round stop the loop
            log.exception("automatic evaluation round failed")
        await asyncio.sleep(interval_seconds)


def auto_evaluation_tasks(
    runtime: Runtime,
) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    """The background task of ``ServiceDefinition.background`` (none when the setting is 0)."""
    interval = float(getattr(runtime.settings, "auto_evaluate_seconds", 0))
    if interval <= 0:
        return ()
    return (lambda: run_auto_evaluation(runtime, interval),)
