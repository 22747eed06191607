"""The public scorecard of one vendor, from its ratings."""

from uuid import UUID

from epurchasing_shared.kernel.unit_of_work import Caller
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory
from rating.application.views import ScorecardOut
from rating.domain.scorecard import ReviewPolicy, Scorecard, build_scorecard


async def load_scorecard(uow: RatingUnitOfWork, vendor_id: UUID) -> tuple[Scorecard, str | None]:
    """The vendor's scorecard and its latest known name (None if no package is known)."""
    packages, on_time, name = await uow.ratings.package_counts(vendor_id)
    card = build_scorecard(await uow.ratings.rated_packages(vendor_id), packages, on_time)
    return card, name


async def vendor_scorecard(
    unit_of_work: UnitOfWorkFactory, vendor_id: UUID, policy: ReviewPolicy
) -> ScorecardOut:
    """Public: a vendor without packages has zeros."""
    async with unit_of_work(Caller()) as uow:
        card, name = await load_scorecard(uow, vendor_id)
    return ScorecardOut.of(vendor_id, name, card, policy.is_below(card))
