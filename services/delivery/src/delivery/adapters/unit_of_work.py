"""Delivery's unit of work on PostgreSQL: the kernel's, with the fulfilments' repository, the
mail outbox, and what the generated BAP and BAST need (the renderer, the letterhead and zone of
the settings)."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from delivery.adapters.repository import SqlFulfilments
from delivery.adapters.tables import mail_outbox
from delivery.application.ports import DeliveryUnitOfWork
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.mail import MailRules
from epurchasing_shared.mail.sql import SqlMailOutbox
from epurchasing_shared.persistence import SqlUnitOfWork

if TYPE_CHECKING:
    from delivery.application.letters import ReceiptLetter


class PdfLettersOnFirstUse:
    """:class:`~delivery.adapters.letters_pdf.PdfLetters`, imported with the first letter:
    ReportLab and Pillow (~6 MB, ~140 ms) are not loaded when the service starts."""

    def receipt(self, letter: "ReceiptLetter") -> bytes:
        from delivery.adapters.letters_pdf import PdfLetters

        return PdfLetters().receipt(letter)


class SqlDeliveryUnitOfWork(SqlUnitOfWork, DeliveryUnitOfWork):
    letters = PdfLettersOnFirstUse()

    @classmethod
    def factory(cls, runtime: Any, service: str) -> Callable[[Caller], Self]:
        """The kernel's factory, each unit of work carrying the settings' letterhead and zone
        and what the e-mails take from them."""
        make = super().factory(runtime, service)
        letterhead_of = getattr(runtime.settings, "letterhead", None)
        letterhead = letterhead_of() if callable(letterhead_of) else LetterheadSettings()
        zone = getattr(runtime.settings, "zone", None)
        rules_of_mail = getattr(runtime.settings, "mail_rules", None)
        mail = rules_of_mail() if callable(rules_of_mail) else MailRules()

        def with_letterhead(caller: Caller) -> "SqlDeliveryUnitOfWork":
            uow = make(caller)
            uow.letterhead, uow.zone, uow.mail = letterhead, zone, mail
            return uow

        return with_letterhead  # type: ignore[return-value]

    async def _open(self) -> None:
        self.fulfilments = SqlFulfilments(self.session, self.clock)
        self.mail_outbox = SqlMailOutbox(self.session, mail_outbox)
