"""Ordering's mail outbox: the shared one on its ``vendor_emails`` table (one row per
e-mail, its stable Message-ID the key; ``package_id`` holds the aggregate id). Queuing a second
step-15 e-mail of a package conflicts with its one-per-package index: not queued."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.mail import QueuedEmail
from epurchasing_shared.mail.sql import SqlMailOutbox
from ordering.adapters.tables import vendor_emails
from ordering.application.loading import AGGREGATE


class SqlVendorEmails(SqlMailOutbox):
    def __init__(self, session: AsyncConnection) -> None:
        super().__init__(session, vendor_emails, aggregate=AGGREGATE, aggregate_column="package_id")

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> QueuedEmail | None:
        """The package's step-15 e-mail."""
        query = select(vendor_emails).where(
            vendor_emails.c.package_id == package_id,
            vendor_emails.c.kind == "package_processed",
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return self._email(row) if row else None
