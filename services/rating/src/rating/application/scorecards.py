"""The public scorecard of one vendor, from its ratings."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from rating.adapters.ratings_repository import RatingRepository
from rating.domain.scorecard import Scorecard, build_scorecard


async def load_scorecard(session: AsyncSession, vendor_id: UUID) -> tuple[Scorecard, str | None]:
    """The vendor's scorecard and its latest known name (None if no package is known)."""
    repository = RatingRepository(session)
    packages, on_time, name = await repository.package_counts(vendor_id)
    card = build_scorecard(await repository.rated_packages(vendor_id), packages, on_time)
    return card, name
