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
    # Not remembered on the connection: ``AsyncConnection.info`` belongs to the pooled
    # connection and would outlive the request (a package created since would stay unseen).
    return set(await visible_package_ids(session, principal, procurement_id))


async def can_see_procurement(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> bool:
    """The history of a procurement is visible to whoever may see one of its packages."""
    return principal.reads_everything or bool(
        await visible_aggregates(session, principal, procurement_id)
    )
