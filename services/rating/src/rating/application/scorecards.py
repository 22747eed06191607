"""The public scorecard of one vendor, read from its running sums (one row, however many
ratings the vendor has)."""

from uuid import UUID

from epurchasing_shared.kernel.unit_of_work import Caller
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory
from rating.application.views import ScorecardOut
from rating.domain.rating import Rating
from rating.domain.scorecard import ReviewPolicy, VendorTally


async def record_rating(uow: RatingUnitOfWork, rating: Rating) -> VendorTally:
    """Add a rating just made to its vendor's sums, under the vendor's lock; the new sums."""
    assert rating.result is not None
    vendor_id, ppk_id, now = rating.package.vendor_id, rating.package.ppk_id, uow.now()
    tally = await uow.scorecards.lock(vendor_id, now)
    first = await uow.scorecards.first_rating_by(vendor_id, ppk_id)
    tally = tally.with_rating(rating.result, rating.scores, first_of_its_ppk=first)
    await uow.scorecards.save_ratings(vendor_id, tally, now)
    return tally


async def vendor_scorecard(
    unit_of_work: UnitOfWorkFactory, vendor_id: UUID, policy: ReviewPolicy
) -> ScorecardOut:
    """Public: a vendor without packages has zeros."""
    async with unit_of_work(Caller()) as uow:
        tally = await uow.scorecards.get(vendor_id) or VendorTally()
    card = tally.scorecard()
    return ScorecardOut.of(vendor_id, tally.vendor_name, card, policy.is_below(card))
