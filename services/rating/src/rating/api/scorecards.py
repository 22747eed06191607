"""Public vendor scorecards."""

from uuid import UUID

from fastapi import APIRouter, Depends

from rating.api.wiring import Wiring, wiring
from rating.application.scorecards import vendor_scorecard
from rating.application.views import ScorecardOut

router = APIRouter(tags=["scorecards"])


@router.get(
    "/vendors/{vendor_id}/scorecard",
    response_model=ScorecardOut,
    summary="A vendor's public scorecard (no token); a vendor without packages has zeros",
)
async def get_vendor_scorecard(vendor_id: UUID, service: Wiring = Depends(wiring)) -> ScorecardOut:
    return await vendor_scorecard(service.unit_of_work, vendor_id, service.policy)
