"""Step 27: the PPK rates the vendor of a completed package; the review flag is checked."""

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.contracts.rating import VendorFlaggedForReview, VendorRated
from epurchasing_shared.history import append_history
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.service import Runtime
from rating.adapters.ratings_repository import RatingRepository, ReviewRepository
from rating.application.context import SERVICE, actor_of, settings_of
from rating.application.scorecards import load_scorecard
from rating.domain.rating import Rating


@dataclass(frozen=True)
class RateVendor:
    procurement_id: UUID
    scores: dict[str, int]
    comment: str | None


async def rate_vendor(
    session: AsyncSession, runtime: Runtime, principal: Principal, command: RateVendor
) -> Rating:
    """Rate once, as the package's own PPK (another PPK's or an unknown package is a 404)."""
    scheme = settings_of(runtime).rating_scheme()
    scheme.validate_scores(command.scores)
    repository = RatingRepository(session)
    rating = await repository.for_procurement(command.procurement_id, principal.sub)
    if rating is None:
        raise NotFound(f"no completed package of procurement {command.procurement_id} to rate")
    now = runtime.clock.now()
    rated = rating.rate(scheme, command.scores, command.comment, now)
    await repository.save(rated)
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=rated.package.procurement_id,
        aggregate="rating",
        aggregate_id=rated.id,
        at=now,
        action="rate",
        actor=actor_of(principal),
        from_state=rating.state,
        to_state=rated.state,
        sop_step="27",
        reason=command.comment,
    )
    event = make_event(
        service=SERVICE,
        payload=vendor_rated(rated),
        procurement_id=rated.package.procurement_id,
        time=now,
        actor=actor_of(principal),
        sop_step="27",
    )
    await runtime.record(session, event)
    await review_vendor(session, runtime, rated, causation_id=str(event.id))
    return rated


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
    session: AsyncSession, runtime: Runtime, rating: Rating, causation_id: str
) -> None:
    """Raise rating.vendor_flagged_for_review.v1 when this rating moves the vendor's average
    below the threshold (once per crossing; see domain/scorecard.py)."""
    policy = settings_of(runtime).review_policy()
    vendor_id, now = rating.package.vendor_id, runtime.clock.now()
    reviews = ReviewRepository(session)
    # The row lock serialises ratings of one vendor, so two cannot both see "not below".
    was_below = await reviews.lock_was_below(vendor_id, now)
    card, vendor_name = await load_scorecard(session, vendor_id)
    below = policy.is_below(card)
    if below != was_below:
        await reviews.set_below(vendor_id, below, now)
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
    event = make_event(
        service=SERVICE,
        payload=flagged,
        procurement_id=None,
        subject=f"vendor/{vendor_id}",
        time=now,
        causation_id=causation_id,
        sop_step="27",
    )
    await runtime.record(session, event)
