"""The frame of every HTTP step: one unit of work from idempotent replay to stored response."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.application.views import fulfilment_detail
from delivery.domain.fulfilment import Fulfilment
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.http.idempotency import IdempotencyKey
from epurchasing_shared.http.problems import NotFound, PreconditionFailed
from epurchasing_shared.persistence import save_document
from epurchasing_shared.service import Runtime

Step = Callable[[AsyncSession, Fulfilment], Awaitable[None]]


@dataclass(frozen=True)
class StepRequest:
    """Who asks what of which fulfilment, with the HTTP conventions' headers."""

    principal: Principal
    procurement_id: UUID
    idempotency: IdempotencyKey
    if_match: int | None
    causation_id: str


def may_act_on(principal: Principal, fulfilment: Fulfilment) -> bool:
    """The vendor of the order, or a PPK of the ordering work unit (role checked by the API)."""
    if principal.role is Role.VENDOR:
        return principal.vendor_id == fulfilment.vendor_id
    if principal.role is Role.PPK:
        return principal.work_unit == fulfilment.work_unit
    return False


async def run_step(
    runtime: Runtime, request: StepRequest, step: Step, status_code: int = 200
) -> JSONResponse:
    """Load and lock the fulfilment, run ``step``, save, and answer with the new detail.

    A retried request with the same Idempotency-Key gets the first answer and changes nothing.
    """
    table = runtime.spine.idempotency_keys
    async with runtime.unit_of_work() as session:
        replay = await request.idempotency.replay(session, table, request.principal)
        if replay is not None:
            return replay
        fulfilment = await repository.load_for_update(session, request.procurement_id)
        if fulfilment is None or not may_act_on(request.principal, fulfilment):
            raise NotFound(f"fulfilment {request.procurement_id} not found")
        if request.if_match is not None and request.if_match != fulfilment.version:
            raise PreconditionFailed(
                f"If-Match {request.if_match} is stale; the fulfilment is at version "
                f"{fulfilment.version}"
            )
        await step(session, fulfilment)
        await repository.save(session, fulfilment, runtime.clock.now())
        detail = await fulfilment_detail(session, request.principal, request.procurement_id)
        body = detail.model_dump(mode="json")
        await request.idempotency.remember(
            session, table, request.principal, runtime.clock, status_code, body
        )
    return JSONResponse(body, status_code=status_code)


async def store_document(
    runtime: Runtime,
    session: AsyncSession,
    request: StepRequest,
    upload: Upload,
    kind: str,
) -> DocumentRef:
    """Keep an uploaded document of this fulfilment (file and row, same transaction)."""
    return await save_document(
        session,
        runtime.spine.documents,
        runtime.documents,
        upload,
        kind=kind,
        owner_kind="fulfilment",
        owner_id=request.procurement_id,
        procurement_id=request.procurement_id,
        uploaded_by=request.principal.sub,
        at=runtime.clock.now(),
    )
