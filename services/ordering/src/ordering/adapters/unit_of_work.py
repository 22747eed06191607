"""The ordering unit of work on PostgreSQL: the kernel's, with the service's repositories."""

from epurchasing_shared.persistence import SqlUnitOfWork
from ordering.adapters.mail_outbox import SqlVendorEmails
from ordering.adapters.orders import SqlOrderNumbers
from ordering.adapters.packages import SqlPackages
from ordering.application.ports import OrderingUnitOfWork

SERVICE = "ordering"


class SqlOrderingUnitOfWork(SqlUnitOfWork, OrderingUnitOfWork):
    async def _open(self) -> None:
        self.packages = SqlPackages(self.session, self.now)
        self.order_numbers = SqlOrderNumbers(self.session)
        self.vendor_emails = SqlVendorEmails(self.session)
