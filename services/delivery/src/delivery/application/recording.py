"""What every use case writes besides the fulfilment itself: history and outgoing events."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from delivery.domain.fulfilment import Change, Fulfilment
from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts.delivery import DocumentReference
from epurchasing_shared.contracts.envelope import Actor, EventPayload, make_event
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.history import append_history
from epurchasing_shared.service import Runtime

SERVICE = "delivery"
AGGREGATE = "fulfilment"


def actor_of(principal: Principal) -> Actor:
    return Actor(id=principal.sub, role=principal.role.value)


def reference(ref: DocumentRef) -> DocumentReference:
    """The event's view of a stored document (no uploader: that is in the history)."""
    return DocumentReference(
        id=ref.id,
        kind=ref.kind,
        filename=ref.filename,
        media_type=ref.media_type,
        size=ref.size,
        sha256=ref.sha256,
    )


async def record_change(
    runtime: Runtime,
    session: AsyncSession,
    fulfilment: Fulfilment,
    change: Change,
    actor: Actor | None,
    *,
    reason: str | None = None,
    documents: Sequence[DocumentRef] = (),
) -> None:
    """Append the history entry of one state change (same transaction as the change)."""
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=fulfilment.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=fulfilment.procurement_id,
        at=runtime.clock.now(),
        action=change.action,
        actor=actor,
        from_state=change.from_state.value,
        to_state=change.to_state.value,
        sop_step=change.sop_step,
        reason=reason,
        documents=[d.as_dict() for d in documents],
    )


async def emit(
    runtime: Runtime,
    session: AsyncSession,
    fulfilment: Fulfilment,
    payload: EventPayload,
    *,
    actor: Actor | None,
    causation_id: str | None,
    sop_step: str,
) -> None:
    """Write an outgoing event to the outbox (published by the relay after commit)."""
    event = make_event(
        service=SERVICE,
        payload=payload,
        procurement_id=fulfilment.procurement_id,
        time=runtime.clock.now(),
        actor=actor,
        causation_id=causation_id,
        sop_step=sop_step,
    )
    await runtime.record(session, event)


def history_extra(**facts: Any) -> str:
    """A short reason text from facts, e.g. ``amount=500000, paid_so_far=500000``."""
    return ", ".join(f"{k}={v}" for k, v in facts.items() if v is not None)
