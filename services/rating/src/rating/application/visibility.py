"""Who may see which rating, and what the caller may do with it.

Rated ratings (with their comment and reply) are visible to every authenticated caller; a
pending one only to its own PPK and to admins and auditors (it is that PPK's to-do).
"""

from typing import Any
from uuid import UUID

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal, Role
from rating.adapters.ratings_repository import RatingRepository
from rating.adapters.tables import ratings
from rating.domain.rating import PENDING, RATING_MACHINE, Rating


def may_see(rating: Rating, principal: Principal) -> bool:
    return (
        rating.state != PENDING
        or principal.reads_everything
        or (principal.role is Role.PPK and rating.package.ppk_id == principal.sub)
    )


def visible_filter(principal: Principal) -> Any:
    """The SQL twin of :func:`may_see`."""
    if principal.reads_everything:
        return ratings.c.id.is_not(None)
    if principal.role is Role.PPK:
        return or_(ratings.c.state != PENDING, ratings.c.ppk_id == principal.sub)
    return ratings.c.state != PENDING


def allowed_actions(rating: Rating, principal: Principal) -> list[str]:
    """What this caller may do next: only the package's PPK rates, only its vendor replies."""
    if principal.role is Role.PPK and rating.package.ppk_id == principal.sub:
        return RATING_MACHINE.allowed_actions(rating.state, "ppk")
    if principal.role is Role.VENDOR and rating.package.vendor_id == principal.vendor_id:
        return RATING_MACHINE.allowed_actions(rating.state, "vendor")
    return []


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    """Rating history of a procurement: its work unit's PPKs, its vendor, auditors, admins."""
    if principal.reads_everything:
        return True
    repository = RatingRepository(session)
    if principal.role is Role.PPK:
        return await repository.sees_procurement(
            procurement_id, ratings.c.work_unit == principal.work_unit
        )
    if principal.role is Role.VENDOR:
        return await repository.sees_procurement(
            procurement_id, ratings.c.vendor_id == principal.vendor_id
        )
    return False
