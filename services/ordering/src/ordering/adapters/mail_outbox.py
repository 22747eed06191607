"""The vendor e-mails waiting to be sent: one row per package (the dedupe key)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ordering.adapters.tables import vendor_emails


async def record_vendor_email(session: AsyncSession, **values: Any) -> bool:
    """Queue the package's e-mail in the current transaction; False if it already exists."""
    inserted = await session.execute(
        insert(vendor_emails)
        .values(status="pending", attempts=0, **values)
        .on_conflict_do_nothing(index_elements=["package_id"])
    )
    return bool(inserted.rowcount)


async def claim_due_email(session: AsyncSession, now: datetime) -> Any | None:
    """One pending e-mail due now, locked so no other sender (replica) takes it."""
    query = (
        select(vendor_emails)
        .where(vendor_emails.c.status == "pending", vendor_emails.c.next_attempt_at <= now)
        .order_by(vendor_emails.c.next_attempt_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return (await session.execute(query)).mappings().first()


async def update_email(session: AsyncSession, package_id: UUID, **values: Any) -> None:
    await session.execute(
        update(vendor_emails).where(vendor_emails.c.package_id == package_id).values(**values)
    )


async def load_email(session: AsyncSession, package_id: UUID) -> Any | None:
    query = select(vendor_emails).where(vendor_emails.c.package_id == package_id)
    return (await session.execute(query)).mappings().first()
