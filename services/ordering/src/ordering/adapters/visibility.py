"""Who may read a procurement's history here (the spine's history endpoint asks)."""

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.principal import Principal
from ordering.adapters.packages import visible_package_ids


async def visible_aggregates(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> set[UUID] | None:
    """The packages whose history entries the caller may read; None (all) for admins and
    auditors. A vendor whose package was cancelled must not read the entries of the next
    winner's package of the same procurement."""
    if principal.reads_everything:
        return None
    # The history and turns endpoints ask can_see_procurement, then this: one read per
    # session (a request's), not two.
    key = ("ordering.visible_packages", principal, procurement_id)
    if key not in session.info:
        session.info[key] = await visible_package_ids(session, principal, procurement_id)
    return set(session.info[key])


async def can_see_procurement(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> bool:
    """The history of a procurement is visible to whoever may see one of its packages."""
    return principal.reads_everything or bool(
        await visible_aggregates(session, principal, procurement_id)
    )
