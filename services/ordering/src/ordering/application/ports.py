"""What the use cases need from the outside, as interfaces: the repositories of the unit of
work (SQL in ``adapters/``, in memory in the tests), the mailer, and settings as values."""

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Protocol
from uuid import UUID

from epurchasing_shared.kernel.unit_of_work import UnitOfWork
from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.principal import Principal
from ordering.application.letters import LetterRenderer
from ordering.domain.notification import VendorEmail
from ordering.domain.package import Package


class Packages(Protocol):
    async def get(self, package_id: UUID, *, for_update: bool = False) -> Package | None:
        """The whole aggregate (rounds and order included); ``for_update`` locks it."""

    async def add_if_new(self, package: Package) -> bool:
        """Keep a received package unless one with its id exists; True when kept."""

    async def save(self, package: Package) -> None:
        """Write the aggregate back: the package, its rounds, its order and versions."""

    async def list_visible(
        self,
        principal: Principal,
        *,
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
        unit, a vendor by its vendor id)."""


class OrderNumbers(Protocol):
    async def next_seq(self, work_unit: str, year: int) -> int:
        """The next order sequence number of (work unit, year), distinct under concurrency."""


class VendorEmails(Protocol):
    async def queue(self, email: VendorEmail) -> bool:
        """Queue the package's e-mail; False when the package already has one."""

    async def claim_due(self, now: datetime) -> VendorEmail | None:
        """One pending e-mail due now, locked so no other sender takes it."""

    async def claim_abandoned(self, now: datetime) -> VendorEmail | None:
        """One e-mail still ``sending`` after its claim's lease (``next_attempt_at``), locked."""

    async def save(self, email: VendorEmail) -> None: ...

    async def by_message_id(
        self, message_id: str, *, for_update: bool = False
    ) -> VendorEmail | None: ...

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> VendorEmail | None:
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


@dataclass(frozen=True)
class MailPolicy:
    """How the vendor's e-mail is retried (step 15)."""

    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    poll_seconds: float = 2.0
    # How long a claimed e-mail may stay ``sending`` before it is taken for abandoned (the
    # sender crashed between SMTP and the commit) and flagged ``unconfirmed``.
    claim_seconds: float = 600.0


@dataclass(frozen=True)
class OutgoingMail:
    package_id: UUID
    recipient: str
    subject: str
    body: str
    message_id: str
    date: datetime


class MailDeliveryError(Exception):
    """The SMTP server certainly did not take the message: unreachable, or it refused the
    sender, the recipient or the message (a retry cannot send it twice)."""


class MailOutcomeUnknown(MailDeliveryError):
    """The conversation broke off (timeout, disconnection) at a point where the server may
    already have taken the message: it is not retried automatically."""


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> str:
        """Send ``mail``; raises :class:`MailDeliveryError`."""
