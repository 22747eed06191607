"""Reading ratings and blacklist entries, filtered to what the caller may see."""

from datetime import date
from uuid import UUID

from sqlalchemy import not_
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.http.problems import NotFound
from rating.adapters.blacklist_repository import BlacklistRepository, active_on
from rating.adapters.ratings_repository import RatingRepository
from rating.adapters.tables import blacklist_entries, ratings
from rating.application.visibility import may_see, visible_filter
from rating.domain.blacklist import BlacklistEntry
from rating.domain.rating import Rating


async def get_rating(session: AsyncSession, principal: Principal, rating_id: UUID) -> Rating:
    rating = await RatingRepository(session).get(rating_id)
    if rating is None or not may_see(rating, principal):
        raise NotFound(f"rating {rating_id} not found")
    return rating


async def list_ratings(
    session: AsyncSession,
    principal: Principal,
    *,
    vendor_id: UUID | None,
    state: str | None,
    limit: int,
    after: tuple[str, str] | None,
) -> list[Rating]:
    filters = [visible_filter(principal)]
    if vendor_id is not None:
        filters.append(ratings.c.vendor_id == vendor_id)
    if state is not None:
        filters.append(ratings.c.state == state)
    return await RatingRepository(session).page(filters, limit, after)


async def list_blacklist(
    session: AsyncSession,
    *,
    today: date,
    active: bool | None,
    vendor_id: UUID | None,
    limit: int,
    after: tuple[str, str] | None,
) -> list[BlacklistEntry]:
    """The public blacklist; ``active`` filters on entries in force today."""
    filters = []
    if active is not None:
        filters.append(active_on(today) if active else not_(active_on(today)))
    if vendor_id is not None:
        filters.append(blacklist_entries.c.vendor_id == vendor_id)
    return await BlacklistRepository(session).page(filters, limit, after)


async def get_blacklist_entry(session: AsyncSession, entry_id: UUID) -> BlacklistEntry:
    entry = await BlacklistRepository(session).get(entry_id)
    if entry is None:
        raise NotFound(f"blacklist entry {entry_id} not found")
    return entry
