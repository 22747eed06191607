"""Step 17: negotiation rounds over HTTP."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path

from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.kernel.actions import ActionRequest
from ordering.api.schemas import MAX_LINE_NO, ProposalIn, RejectionIn
from ordering.api.wiring import Wiring, wiring
from ordering.application import negotiate

router = APIRouter(prefix="/packages/{package_id}/negotiation", tags=["negotiation"])
OFFICIAL = action_request(Role.PROCUREMENT_OFFICIAL)
VENDOR = action_request(Role.VENDOR)


@router.post("/proposals", summary="The official proposes unit prices and shipping (17)")
async def propose(
    package_id: UUID,
    body: ProposalIn,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await negotiate.propose_prices(
        wired.unit_of_work, request, package_id, body.price_set(), body.note
    )
    return respond(outcome)


@router.post("/proposals/{round}/accept", summary="The vendor accepts the proposal (17a)")
async def accept(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    request: ActionRequest = Depends(VENDOR),
    wired: Wiring = Depends(wiring),
) -> Any:
    return respond(await negotiate.accept_proposal(wired.unit_of_work, request, package_id, round))


@router.post(
    "/proposals/{round}/reject", summary="The vendor rejects, optionally counter-offering (17b)"
)
async def reject(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    body: RejectionIn | None = Body(default=None),
    request: ActionRequest = Depends(VENDOR),
    wired: Wiring = Depends(wiring),
) -> Any:
    rejection = body or RejectionIn()
    outcome = await negotiate.reject_proposal(
        wired.unit_of_work, request, package_id, round, rejection.counter(), rejection.reason
    )
    return respond(outcome)


@router.post("/accept-counter", summary="The official accepts the vendor's counter-prices (17a)")
async def accept_counter(
    package_id: UUID, request: ActionRequest = Depends(OFFICIAL), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await negotiate.accept_counter(wired.unit_of_work, request, package_id))
