"""The mail outbox: one row per hand-off e-mail, its stable Message-ID the dedupe key."""

from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ordering.adapters.codec import email_from_row, email_to_row
from ordering.adapters.tables import vendor_emails
from ordering.domain.notification import VendorEmail


class SqlVendorEmails:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def queue(self, email: VendorEmail) -> bool:
        inserted = await self.session.execute(
            insert(vendor_emails)
            .values(**email_to_row(email))
            .on_conflict_do_nothing()  # the Message-ID, or step 15's one-per-package index
        )
        return bool(inserted.rowcount)  # type: ignore[attr-defined]

    async def claim_due(self, now: datetime) -> VendorEmail | None:
        """``SKIP LOCKED``: no other sender (replica) takes the same e-mail."""
        query = (
            select(vendor_emails)
            .where(vendor_emails.c.status == "pending", vendor_emails.c.next_attempt_at <= now)
            .order_by(vendor_emails.c.next_attempt_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = (await self.session.execute(query)).mappings().first()
        return email_from_row(row) if row else None

    async def claim_abandoned(self, now: datetime) -> VendorEmail | None:
        """A claim whose lease (``next_attempt_at``) ran out: its sender died."""
        query = (
            select(vendor_emails)
            .where(vendor_emails.c.status == "sending", vendor_emails.c.next_attempt_at <= now)
            .order_by(vendor_emails.c.next_attempt_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = (await self.session.execute(query)).mappings().first()
        return email_from_row(row) if row else None

    async def save(self, email: VendorEmail) -> None:
        await self.session.execute(
            update(vendor_emails)
            .where(vendor_emails.c.message_id == email.message_id)
            .values(**email_to_row(email))
        )

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> VendorEmail | None:
        """The package's step-15 e-mail."""
        query = select(vendor_emails).where(
            vendor_emails.c.package_id == package_id,
            vendor_emails.c.kind == "package_processed",
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return email_from_row(row) if row else None

    async def by_message_id(
        self, message_id: str, *, for_update: bool = False
    ) -> VendorEmail | None:
        query = select(vendor_emails).where(vendor_emails.c.message_id == message_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return email_from_row(row) if row else None
