"""Automatic evaluation at the offer deadline (SOP step 11, api.md: "also automatic").

Every ``COMPETITION_AUTO_EVALUATE_SECONDS`` the service looks for open competitions whose
offer deadline has passed (by the unit of work's clock) and evaluates each one with the same
rules as ``POST /competitions/{id}/evaluate``, as the ``system`` actor.

Several replicas may run this loop: each competition is claimed (``FOR UPDATE SKIP LOCKED``
on PostgreSQL) in its own unit of work, so a replica never waits for, nor evaluates, a
competition another replica (or the official's request) holds. Whoever gets the lock second
sees the state already ``evaluated:*``; the state machine refuses a second evaluation and the
unit of work rolls back without effect.
"""

import asyncio
import logging
from uuid import UUID

from competition.application.ports import Rules, UnitOfWorkFactory
from competition.application.results import evaluate_in
from competition.domain.errors import ActionNotAllowed
from epurchasing_shared.kernel.unit_of_work import Caller

log = logging.getLogger("competition.auto_evaluation")


async def evaluate_due_competitions(unit_of_work: UnitOfWorkFactory, rules: Rules) -> list[UUID]:
    """Evaluate every competition due now, one unit of work each; returns those evaluated."""
    evaluated: list[UUID] = []
    skipped: list[UUID] = []  # refused or broken this round: do not spin on them
    while True:
        claimed: UUID | None = None
        try:
            async with unit_of_work(Caller.system()) as uow:
                competition = await uow.competitions.claim_due(uow.now(), skipped)
                if competition is None:
                    return evaluated
                claimed = competition.id
                await evaluate_in(uow, competition, rules)
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


async def run_auto_evaluation(
    unit_of_work: UnitOfWorkFactory, rules: Rules, interval_seconds: float
) -> None:
    """Evaluate due competitions now and then every ``interval_seconds``, until cancelled."""
    while True:
        try:
            done = await evaluate_due_competitions(unit_of_work, rules)
            if done:
                log.info("evaluated %d competition(s) at their deadline", len(done))
        except Exception:  # never let one bad round stop the loop
            log.exception("automatic evaluation round failed")
        await asyncio.sleep(interval_seconds)
