"""What every use case shares: who acts, the history entry, the outgoing event.

Use cases take the session of the caller's unit of work (``runtime.unit_of_work()``), so the
state change, its history entry, its outbox rows and an idempotency record commit together.
"""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from competition.domain.purchase_request import Change
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.envelope import Actor, EventPayload, make_event
from epurchasing_shared.history import append_history
from epurchasing_shared.http.problems import PreconditionFailed
from epurchasing_shared.service import Runtime

SERVICE = "competition"


def actor_of(principal: Principal | None) -> Actor | None:
    return Actor(id=principal.sub, role=str(principal.role)) if principal else None


def party_of(principal: Principal) -> Party:
    return Party(id=principal.sub, name=principal.name)


def role_of(principal: Principal) -> str:
    return str(principal.role)


def check_version(if_match: int | None, version: int) -> None:
    """``If-Match`` with a stale version is refused (412), so no one overwrites unseen changes."""
    if if_match is not None and if_match != version:
        raise PreconditionFailed(f"the resource is at version {version}, not {if_match}")


async def record_change(
    runtime: Runtime,
    session: AsyncSession,
    *,
    procurement_id: UUID,
    aggregate: str,
    aggregate_id: UUID,
    change: Change,
    principal: Principal | None,
    documents: list[dict[str, Any]] | None = None,
    actor: Actor | None = None,
) -> None:
    """Append one state change to the procurement's history (``actor`` overrides the caller)."""
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=procurement_id,
        aggregate=aggregate,
        aggregate_id=aggregate_id,
        at=runtime.clock.now(),
        action=change.action,
        actor=actor or actor_of(principal),
        from_state=change.from_state or None,
        to_state=change.to_state,
        sop_step=change.sop_step,
        reason=change.reason,
        documents=documents,
    )


async def emit(
    runtime: Runtime,
    session: AsyncSession,
    payload: EventPayload,
    *,
    procurement_id: UUID,
    principal: Principal | None,
    sop_step: str,
    causation_id: str | None = None,
) -> None:
    """Put one integration event in the outbox of this unit of work."""
    event = make_event(
        service=SERVICE,
        payload=payload,
        procurement_id=procurement_id,
        time=runtime.clock.now(),
        actor=actor_of(principal),
        causation_id=causation_id,
        sop_step=sop_step,
    )
    await runtime.record(session, event)


def is_buyer_of(principal: Principal, work_unit: str) -> bool:
    """A PPK or official of the work unit that owns the procurement."""
    return (
        principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit == work_unit
    )
