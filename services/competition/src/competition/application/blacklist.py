"""The competition service's own copy of the blacklist, fed by the rating service's events.

Idempotent by the entry id (besides the inbox's event id): a re-delivered or re-published
event leaves one row; a lift that arrives before its entry is kept and wins.
"""

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters.tables import blacklist_entries as table
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted


async def record_blacklisting(session: AsyncSession, entry: VendorBlacklisted) -> None:
    """Keep the entry; it bars the vendor between its start and end dates unless lifted."""
    values = {
        "vendor_id": entry.vendor_id,
        "vendor_name": entry.vendor_name,
        "reason": entry.reason,
        "decree_reference": entry.decree_reference,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "recorded_at": entry.recorded_at,
    }
    statement = insert(table).values(entry_id=entry.entry_id, **values)
    # Fill in only a row a lift created first; an entry already known is left as it is.
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.entry_id], set_=values, where=table.c.starts_on.is_(None)
        )
    )


async def record_lift(session: AsyncSession, lift: VendorBlacklistLifted) -> None:
    """The entry stops barring the vendor from ``lifted_at`` on; the first lift counts."""
    statement = insert(table).values(
        entry_id=lift.entry_id,
        vendor_id=lift.vendor_id,
        lifted_at=lift.lifted_at,
        lift_reason=lift.reason,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.entry_id],
            set_={
                "lifted_at": func.coalesce(table.c.lifted_at, statement.excluded.lifted_at),
                "lift_reason": func.coalesce(table.c.lift_reason, statement.excluded.lift_reason),
            },
        )
    )
