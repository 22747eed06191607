"""The ordering unit of work on PostgreSQL: the kernel's, with the service's repositories."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.persistence import SqlUnitOfWork
from ordering.adapters.mail_outbox import SqlVendorEmails
from ordering.adapters.orders import SqlOrderNumbers
from ordering.adapters.packages import SqlPackages
from ordering.application.ports import OrderingRules, OrderingUnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from ordering.application.letters import PurchaseOrderLetter

SERVICE = "ordering"


class PdfLettersOnFirstUse:
    """:class:`~ordering.adapters.letters_pdf.PdfLetters`, imported with the first letter:
    ReportLab and Pillow (~6 MB, ~140 ms) are not loaded when the service starts."""

    def purchase_order(self, letter: "PurchaseOrderLetter") -> bytes:
        from ordering.adapters.letters_pdf import PdfLetters

        return PdfLetters().purchase_order(letter)


class SqlOrderingUnitOfWork(SqlUnitOfWork, OrderingUnitOfWork):
    rules = OrderingRules()
    letters = PdfLettersOnFirstUse()
    autonomous: "AsyncEngine"  # the runtime's pool for the order-number counter

    @classmethod
    def factory(cls, runtime: Any, service: str) -> Callable[[Caller], Self]:
        """The kernel's factory, each unit of work carrying the service's rules."""
        make = super().factory(runtime, service)
        rules_of = getattr(runtime.settings, "rules", None)
        rules = rules_of() if callable(rules_of) else OrderingRules()
        autonomous = runtime.autonomous
        if autonomous is None:
            raise RuntimeError("ordering takes order numbers on an autonomous pool; none built")

        def with_rules(caller: Caller) -> "SqlOrderingUnitOfWork":
            uow = make(caller)
            uow.rules = rules
            uow.autonomous = autonomous
            return uow

        return with_rules  # type: ignore[return-value]

    async def _open(self) -> None:
        self.packages = SqlPackages(self.session, self.now)
        self.order_numbers = SqlOrderNumbers(self.autonomous)
        self.vendor_emails = SqlVendorEmails(self.session)
