"""What the use cases need from the outside, as interfaces: the repositories of the unit of
work (SQL in ``adapters/``, in memory in the tests), the mail outbox, and settings as values."""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol
from uuid import UUID

from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import UnitOfWork
from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.mail import (
    MailDeliveryError,
    Mailer,
    MailOutbox,
    MailOutcomeUnknown,
    MailPolicy,
    OutgoingMail,
    QueuedEmail,
)
from epurchasing_shared.principal import Principal
from ordering.application.letters import LetterRenderer
from ordering.domain.package import Package

# The mail outbox's values and errors are the shared ones (epurchasing_shared.mail).
__all__ = [
    "MailDeliveryError",
    "MailOutcomeUnknown",
    "MailPolicy",
    "Mailer",
    "OrderNumbers",
    "OrderingRules",
    "OrderingUnitOfWork",
    "OutgoingMail",
    "Packages",
    "ShownPackage",
    "VendorEmails",
]


@dataclass(frozen=True)
class ShownPackage:
    """What ``GET /packages/{id}`` shows, read at once (``Packages.get_shown``): the whole
    aggregate, its open turn and its step-15 e-mail (``VendorEmails.of_package``)."""

    package: Package
    turn: Turn | None
    vendor_email: QueuedEmail | None


class Packages(Protocol):
    async def get(self, package_id: UUID, *, for_update: bool = False) -> Package | None:
        """The whole aggregate (rounds and order included); ``for_update`` locks it."""

    async def get_shown(self, package_id: UUID) -> ShownPackage | None:
        """``get``, with the open turn and the step-15 e-mail as committed: for a read, not
        after a change in the same unit of work (``uow.open_turn`` knows its turn writes)."""

    async def add_if_new(self, package: Package) -> bool:
        """Keep a received package unless one with its id exists; True when kept."""

    async def save(self, package: Package) -> None:
        """Write the aggregate back: the package, its rounds, its order and versions."""

    async def list_visible(
        self,
        principal: Principal,
        *,
        procurement_id: UUID | None,
        state: str | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
        overdue: bool | None = None,
        mine: bool = False,
        now: datetime | None = None,
    ) -> list[Package]:
        """A page of the packages ``principal`` may see, oldest first, after the cursor
        (created_at, id); summaries: rounds and order are not loaded. ``overdue``: only those
        whose open turn is (True) or is not (False) past its due time at ``now``; ``mine``:
        only those whose open turn is the caller's (a PPK or official by user id and work
        unit, a vendor by its vendor id). ``procurement_id``: only that procurement's
        packages."""


class OrderNumbers(Protocol):
    async def next_seq(self, work_unit: str, year: int) -> int:
        """The next order sequence number of (work unit, year), distinct under concurrency
        and kept whatever becomes of the order (one that then fails leaves a gap)."""


class VendorEmails(MailOutbox, Protocol):
    """Ordering's mail outbox (the shared one, on its ``vendor_emails`` table): the step-15
    e-mail is one per package, the hand-off e-mails and reminders one per turn."""

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> QueuedEmail | None:
        """The package's step-15 e-mail (``package_processed``)."""


class OrderingUnitOfWork(UnitOfWork):
    """The ordering service's unit of work: the kernel's, with its repositories and the
    service's rules (for the e-mails and automatic consequences of a hand-off)."""

    packages: Packages
    order_numbers: OrderNumbers
    vendor_emails: VendorEmails
    rules: "OrderingRules"
    letters: LetterRenderer  # the generated Surat Pesanan (application/letters.py)


@dataclass(frozen=True)
class OrderingRules:
    """The settings the use cases apply, as plain values (built in the composition root)."""

    order_number_format: str = "SP/{work_unit}/{year}/{seq:04d}"
    addendum_max_increase_percent: int = 10
    zone: tzinfo | None = None  # where the order date is read (``settings.zone``)
    public_base_url: str = "http://localhost"
    mail_sender: str = "e-purchasing <no-reply@epurchasing.example>"
    # Automatic consequences of an overdue turn (application/overdue.py), each switchable.
    auto_cancel_ppk_review: bool = True  # 20: LKPP cancels the package (domain.md)
    auto_cancel_vendor_answer: bool = False  # 17: no LKPP rule found; off by default
    auto_cancel_vendor_approval: bool = False  # 18: idem
    # "Your turn" e-mails at the hand-offs (17, 19, 21) and reminders of overdue turns.
    turn_emails: bool = True
    overdue_reminders: bool = True
    # The letterhead of the generated Surat Pesanan (21, 24a).
    letterhead: LetterheadSettings = field(default_factory=LetterheadSettings)
