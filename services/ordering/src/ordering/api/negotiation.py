"""Step 17: negotiation rounds over HTTP. The official may propose any price up to the
vendor's last price (its offer or its last counter-offer); a vendor's counter is at most its
own previous price."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path

from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.kernel.actions import ActionRequest
from ordering.api.schemas import (
    ACTION_RESPONSES,
    MAX_LINE_NO,
    PackageDetail,
    ProposalIn,
    RejectionIn,
)
from ordering.api.wiring import Wiring, wiring
from ordering.application import negotiate

router = APIRouter(prefix="/packages/{package_id}/negotiation", tags=["negotiation"])
OFFICIAL = action_request(Role.PROCUREMENT_OFFICIAL)
VENDOR = action_request(Role.VENDOR)
ACTION = {"response_model": PackageDetail, "responses": ACTION_RESPONSES}
ROUND = Path(ge=1, le=MAX_LINE_NO, description="The open round's number")


@router.post("/proposals", summary="The official proposes unit prices and shipping (17)", **ACTION)
async def propose_prices(
    package_id: UUID,
    body: ProposalIn,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await negotiate.propose_prices(
        wired.unit_of_work, request, package_id, body.price_set(), body.note
    )
    return respond(outcome)


@router.post("/proposals/{round}/accept", summary="The vendor accepts the proposal (17a)", **ACTION)
async def accept_proposal(
    package_id: UUID,
    round: int = ROUND,
    request: ActionRequest = Depends(VENDOR),
    wired: Wiring = Depends(wiring),
) -> Any:
    return respond(await negotiate.accept_proposal(wired.unit_of_work, request, package_id, round))


@router.post(
    "/proposals/{round}/reject",
    summary="The vendor rejects, optionally counter-offering (17b)",
    **ACTION,
)
async def reject_proposal(
    package_id: UUID,
    round: int = ROUND,
    body: RejectionIn | None = Body(default=None),
    request: ActionRequest = Depends(VENDOR),
    wired: Wiring = Depends(wiring),
) -> Any:
    rejection = body or RejectionIn()
    outcome = await negotiate.reject_proposal(
        wired.unit_of_work, request, package_id, round, rejection.counter(), rejection.reason
    )
    return respond(outcome)


@router.post(
    "/accept-counter", summary="The official accepts the vendor's counter-prices (17a)", **ACTION
)
async def accept_counter_offer(
    package_id: UUID, request: ActionRequest = Depends(OFFICIAL), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await negotiate.accept_counter(wired.unit_of_work, request, package_id))
