"""Step 17: negotiation rounds over HTTP."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path

from epurchasing_shared.auth import Role
from ordering.api.common import PackageAction, package_action
from ordering.api.schemas import MAX_LINE_NO, ProposalIn, RejectionIn
from ordering.application import negotiate

router = APIRouter(prefix="/packages/{package_id}/negotiation", tags=["negotiation"])
OFFICIAL = package_action(Role.PROCUREMENT_OFFICIAL)
VENDOR = package_action(Role.VENDOR)


@router.post("/proposals", summary="The official proposes unit prices and shipping (17)")
async def propose(
    package_id: UUID, body: ProposalIn, action: PackageAction = Depends(OFFICIAL)
) -> Any:
    return await action.run(package_id, negotiate.propose_prices, body.price_set(), body.note)


@router.post("/proposals/{round}/accept", summary="The vendor accepts the proposal (17a)")
async def accept(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    action: PackageAction = Depends(VENDOR),
) -> Any:
    return await action.run(package_id, negotiate.accept_proposal, round)


@router.post(
    "/proposals/{round}/reject", summary="The vendor rejects, optionally counter-offering (17b)"
)
async def reject(
    package_id: UUID,
    round: int = Path(ge=1, le=MAX_LINE_NO),
    body: RejectionIn | None = Body(default=None),
    action: PackageAction = Depends(VENDOR),
) -> Any:
    rejection = body or RejectionIn()
    return await action.run(
        package_id, negotiate.reject_proposal, round, rejection.counter(), rejection.reason
    )


@router.post("/accept-counter", summary="The official accepts the vendor's counter-prices (17a)")
async def accept_counter(package_id: UUID, action: PackageAction = Depends(OFFICIAL)) -> Any:
    return await action.run(package_id, negotiate.accept_counter)
