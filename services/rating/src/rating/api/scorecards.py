"""Public vendor scorecards."""

from uuid import UUID

from fastapi import APIRouter, Depends

from epurchasing_shared.service import Runtime, get_runtime
from rating.api.schemas import ScorecardOut
from rating.application.context import settings_of
from rating.application.scorecards import load_scorecard

router = APIRouter(tags=["scorecards"])


@router.get(
    "/vendors/{vendor_id}/scorecard",
    response_model=ScorecardOut,
    summary="A vendor's public scorecard (no token); a vendor without packages has zeros",
)
async def get_scorecard(vendor_id: UUID, runtime: Runtime = Depends(get_runtime)) -> ScorecardOut:
    async with runtime.sessions() as session:
        card, name = await load_scorecard(session, vendor_id)
    below = settings_of(runtime).review_policy().is_below(card)
    return ScorecardOut.of(vendor_id, name, card, below)
