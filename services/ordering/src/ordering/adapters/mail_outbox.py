"""Ordering's mail outbox: the shared one on its ``vendor_emails`` table (one row per
e-mail, its stable Message-ID the key; ``package_id`` holds the aggregate id). Queuing a second
step-15 e-mail of a package conflicts with its one-per-package index: not queued."""

from uuid import UUID

from sqlalchemy import Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, fetchrow
from epurchasing_shared.mail import QueuedEmail
from epurchasing_shared.mail.sql import SqlMailOutbox
from ordering.adapters.tables import vendor_emails
from ordering.application.loading import AGGREGATE


class SqlVendorEmails(SqlMailOutbox):
    def __init__(self, session: AsyncConnection) -> None:
        super().__init__(session, vendor_emails, aggregate=AGGREGATE, aggregate_column="package_id")

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> QueuedEmail | None:
        """The package's step-15 e-mail."""
        query = _OF_PACKAGE_FOR_UPDATE if for_update else _OF_PACKAGE
        row = await fetchrow(self.session, query, {"package_id": package_id})
        return self._email(row) if row else None


# Read at every step 15 and by the sender: built once, sent to the driver directly (direct.py).
_of_package = select(vendor_emails).where(
    vendor_emails.c.package_id == bindparam("package_id", type_=Uuid),
    vendor_emails.c.kind == "package_processed",
)
_OF_PACKAGE = Direct(_of_package)
_OF_PACKAGE_FOR_UPDATE = Direct(_of_package.with_for_update())
