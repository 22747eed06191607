"""Ordering's mail outbox: the shared one on its ``vendor_emails`` table (one row per
e-mail, its stable Message-ID the key; ``package_id`` holds the aggregate id). Queuing a second
step-15 e-mail of a package conflicts with its one-per-package index: not queued."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, fetchrow
from epurchasing_shared.mail import QueuedEmail
from epurchasing_shared.mail.sql import SqlMailOutbox, queued_email
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


def of_package(package_id: ColumnElement[Any]) -> Select[Any]:
    """The step-15 e-mail of the package ``package_id`` (a parameter, or the package's column
    in the package view's load: ``packages.py``)."""
    return select(vendor_emails).where(
        vendor_emails.c.package_id == package_id, vendor_emails.c.kind == "package_processed"
    )


def email_from_row(row: Mapping[str, Any]) -> QueuedEmail:
    """A ``vendor_emails`` row read elsewhere, as ``SqlVendorEmails`` reads one."""
    return queued_email(row, vendor_emails, aggregate=AGGREGATE, aggregate_column="package_id")


# Read at every step 15 and by the sender: built once, sent to the driver directly (direct.py).
_of_package = of_package(bindparam("package_id", type_=Uuid))
_OF_PACKAGE = Direct(_of_package)
_OF_PACKAGE_FOR_UPDATE = Direct(_of_package.with_for_update())
