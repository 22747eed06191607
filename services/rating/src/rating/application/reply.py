"""The rated vendor's one reply to a rating (*ours*)."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.history import append_history
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.service import Runtime
from rating.adapters.ratings_repository import RatingRepository
from rating.application.context import actor_of, check_version
from rating.application.visibility import may_see
from rating.domain.rating import Rating


async def reply_to_rating(
    session: AsyncSession,
    runtime: Runtime,
    principal: Principal,
    rating_id: UUID,
    text: str,
    if_match: int | None = None,
) -> Rating:
    """Reply once; another vendor's rating (or one not yet rated) is a 404."""
    repository = RatingRepository(session)
    rating = await repository.get(rating_id, for_update=True)
    if (
        rating is None
        or rating.package.vendor_id != principal.vendor_id
        or not may_see(rating, principal)
    ):
        raise NotFound(f"rating {rating_id} not found")
    check_version(if_match, rating.version)
    now = runtime.clock.now()
    replied = rating.answer(text, by=principal.sub, at=now)
    await repository.save(replied)
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=replied.package.procurement_id,
        aggregate="rating",
        aggregate_id=replied.id,
        at=now,
        action="reply",
        actor=actor_of(principal),
        from_state=rating.state,
        to_state=replied.state,
        sop_step=None,
        reason=text,
    )
    return replied
