"""Step 27: the PPK rates the vendor of a completed package; the review flag is checked."""

from dataclasses import dataclass
from uuid import UUID

from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.rating import VendorFlaggedForReview, VendorRated
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import Outcome
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory
from rating.application.scorecards import record_rating
from rating.application.views import RatingOut, as_json
from rating.application.visibility import require_role
from rating.domain.rating import RATING_MACHINE, Rating
from rating.domain.scheme import RatingScheme
from rating.domain.scorecard import ReviewPolicy


@dataclass(frozen=True)
class RateVendor:
    procurement_id: UUID
    scores: dict[str, int]
    comment: str | None


async def rate_vendor(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    command: RateVendor,
    scheme: RatingScheme,
    policy: ReviewPolicy,
) -> Outcome:
    """Rate once, as the package's own PPK (another PPK's or an unknown package is a 404);
    answered as a creation (201): the rating is what the PPK makes here."""
    principal = request.caller.principal
    require_role(RATING_MACHINE, "rate", principal)
    assert principal is not None
    scheme.validate_scores(command.scores)

    async def load(uow: RatingUnitOfWork) -> Rating:
        rating = await uow.ratings.for_procurement(command.procurement_id, principal.sub)
        if rating is None:
            raise NotFound(
                f"no completed package of procurement {command.procurement_id} to rate",
                f"tidak ada paket selesai pada pengadaan {command.procurement_id} "
                "yang dapat dinilai",
            )
        return rating

    async def act(uow: RatingUnitOfWork, rating: Rating) -> Outcome:
        change = rating.rate(scheme, command.scores, command.comment, uow.now(), principal.role)
        await uow.ratings.save(rating)
        procurement_id = rating.package.procurement_id
        await uow.history(
            change, procurement_id=procurement_id, aggregate="rating", aggregate_id=rating.id
        )
        await uow.record(
            vendor_rated(rating), procurement_id=procurement_id, sop_step=change.sop_step
        )
        await review_vendor(uow, rating, policy, change.sop_step)
        turn = await uow.open_turn(rating.id)  # none: rating ends the PPK's turn
        body = as_json(RatingOut.of(rating, principal, turn, uow.now()))
        return Outcome(body, created=True, location=f"/ratings/{rating.id}")

    return await perform(unit_of_work, request, load, act)


def vendor_rated(rating: Rating) -> VendorRated:
    assert rating.result is not None and rating.rated_at is not None
    assert rating.scale_min is not None and rating.scale_max is not None
    package = rating.package
    return VendorRated(
        rating_id=rating.id,
        package_id=package.package_id,
        vendor_id=package.vendor_id,
        vendor_name=package.vendor_name,
        ppk=Party(id=package.ppk_id, name=package.ppk_name),
        work_unit=package.work_unit,
        scores=rating.scores,
        weights=rating.weights,
        scale_min=rating.scale_min,
        scale_max=rating.scale_max,
        weighted_points=rating.result.points,
        weight_total=rating.result.weight_total,
        weighted_result=rating.result.value,
        comment=rating.comment,
        rated_at=rating.rated_at,
    )


async def review_vendor(
    uow: RatingUnitOfWork, rating: Rating, policy: ReviewPolicy, sop_step: str
) -> None:
    """Raise rating.vendor_flagged_for_review.v1 when this rating moves the vendor's average
    below the threshold (once per crossing; see domain/scorecard.py). The service raises it,
    not the PPK: the event names no actor."""
    vendor_id, now = rating.package.vendor_id, uow.now()
    # The lock serialises ratings of one vendor, so two cannot both see "not below".
    was_below = await uow.reviews.lock_was_below(vendor_id, now)
    tally = await record_rating(uow, rating)
    card, vendor_name = tally.scorecard(), tally.vendor_name or rating.package.vendor_name
    below = policy.is_below(card)
    if below != was_below:
        await uow.reviews.set_below(vendor_id, below, now)
    if not policy.crosses_below(was_below, card):
        return
    assert card.weighted_average is not None
    flagged = VendorFlaggedForReview(
        vendor_id=vendor_id,
        vendor_name=vendor_name,
        average=card.weighted_average,
        rating_count=card.rating_count,
        threshold=policy.threshold,
        minimum_ratings=policy.minimum_ratings,
        rating_id=rating.id,
        flagged_at=now,
    )
    await uow.record(
        flagged, procurement_id=None, subject=f"vendor/{vendor_id}", sop_step=sop_step, actor=None
    )
