"""The inbox: every consumer's effects commit with a record of (consumer, event id)."""

from datetime import datetime
from functools import cache

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.direct import Direct, fetchrow


async def first_delivery(
    session: AsyncConnection, inbox: Table, consumer: str, event: CloudEvent, now: datetime
) -> bool:
    """Record the event for this consumer; False when it was handled before (a duplicate)."""
    row = {"consumer": consumer, "event_id": event.id, "event_type": event.type, "received_at": now}
    return await fetchrow(session, _record(inbox), row) is not None


@cache
def _record(inbox: Table) -> Direct:
    """Built once per table (building it per event cost more CPU than running it)."""
    return Direct(insert(inbox).on_conflict_do_nothing().returning(inbox.c.event_id))
