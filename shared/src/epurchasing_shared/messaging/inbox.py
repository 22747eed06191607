"""The inbox: every consumer's effects commit with a record of (consumer, event id)."""

from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.envelope import CloudEvent


async def first_delivery(
    session: AsyncSession, inbox: Table, consumer: str, event: CloudEvent, now: datetime
) -> bool:
    """Record the event for this consumer; False when it was handled before (a duplicate)."""
    result = await session.execute(
        insert(inbox)
        .values(consumer=consumer, event_id=event.id, event_type=event.type, received_at=now)
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )
    return result.first() is not None
