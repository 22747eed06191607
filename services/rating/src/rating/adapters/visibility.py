"""Who may read a procurement's rating history (asked by the shared history endpoint)."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.principal import Principal, Role
from rating.adapters.tables import ratings


async def can_see_procurement(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> bool:
    """Rating history of a procurement: its work unit's PPKs, its vendor, auditors, admins."""
    if principal.reads_everything:
        return True
    if principal.role is Role.PPK:
        condition = ratings.c.work_unit == principal.work_unit
    elif principal.role is Role.VENDOR:
        condition = ratings.c.vendor_id == principal.vendor_id
    else:
        return False
    query = select(ratings.c.id).where(ratings.c.procurement_id == procurement_id, condition)
    return (await session.execute(query.limit(1))).first() is not None
