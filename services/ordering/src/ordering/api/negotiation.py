"""Step 17: negotiation rounds over HTTP."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path

from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.service import Runtime, get_runtime
from ordering.api.common import act, if_match, make_request, request_id
from ordering.api.schemas import MAX_LINE_NO, ProposalIn, RejectionIn
from ordering.application import negotiate

router = APIRouter(prefix="/packages/{package_id}/negotiation", tags=["negotiation"])
OFFICIAL = require_roles(Role.PROCUREMENT_OFFICIAL)
VENDOR = require_roles(Role.VENDOR)


@router.post("/proposals", summary="The official proposes unit prices and shipping (17)")
async def propose(
    package_id: UUID,
    body: ProposalIn,
    principal: Principal = Depends(OFFICIAL),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    request = make_request(principal, package_id, causation, version)
    return await act(
        runtime,
        request,
        key,
        lambda s: negotiate.propose_prices(s, runtime, request, body.price_set(), body.note),
    )


@router.post("/proposals/{round}/accept", summary="The vendor accepts the proposal (17a)")
async def accept(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    principal: Principal = Depends(VENDOR),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    request = make_request(principal, package_id, causation, version)
    return await act(
        runtime, request, key, lambda s: negotiate.accept_proposal(s, runtime, request, round)
    )


@router.post(
    "/proposals/{round}/reject", summary="The vendor rejects, optionally counter-offering (17b)"
)
async def reject(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    body: RejectionIn | None = Body(default=None),
    principal: Principal = Depends(VENDOR),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    request = make_request(principal, package_id, causation, version)
    rejection = body or RejectionIn()
    return await act(
        runtime,
        request,
        key,
        lambda s: negotiate.reject_proposal(
            s, runtime, request, round, rejection.counter(), rejection.reason
        ),
    )


@router.post("/accept-counter", summary="The official accepts the vendor's counter-prices (17a)")
async def accept_counter(
    package_id: UUID,
    principal: Principal = Depends(OFFICIAL),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    request = make_request(principal, package_id, causation, version)
    return await act(runtime, request, key, lambda s: negotiate.accept_counter(s, runtime, request))
