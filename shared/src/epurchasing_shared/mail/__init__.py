"""The mail outbox every service shares: a queued e-mail, how it is retried, what the mailer
and the outbox repository must do. Pure (the standard library and the kernel's pure modules):
use cases import it; the SQL table and repository are in :mod:`.sql`, the SMTP mailer in
:mod:`.smtp`, the claim-then-send loop in :mod:`.sender`, the settings in :mod:`.settings`.

A service keeps only what its e-mails say and which aggregate (and history) they belong to:
it queues a :class:`QueuedEmail` in the transaction of the change that calls for it (a
hand-off opening someone's turn, a turn found overdue), with a stable ``Message-ID`` (the
dedupe key: one e-mail per hand-off), and gives the sender a hook that writes the history
entry of each outcome (``sent``, ``failed``, ``unconfirmed``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from epurchasing_shared.kernel.states import Turn

__all__ = [
    "KINDS",
    "STATUSES",
    "MailDeliveryError",
    "MailOutbox",
    "MailOutcomeUnknown",
    "MailPolicy",
    "MailRules",
    "Mailer",
    "Outcome",
    "OutgoingMail",
    "QueuedEmail",
    "backoff_seconds",
    "turn_email",
]

# pending -> sending (claimed, committed before SMTP) -> sent | pending (retry) | failed;
# sending past its lease, or an SMTP outcome that is unknown -> unconfirmed (an operator).
STATUSES = ("pending", "sending", "sent", "failed", "unconfirmed")
#: your_turn: a hand-off told to the next actor; overdue_reminder: the actor of a late turn.
#: (ordering also has package_processed: the vendor's e-mail of step 15.)
KINDS = ("your_turn", "overdue_reminder")
Outcome = Literal["sent", "failed", "unconfirmed"]


@dataclass
class QueuedEmail:
    """One e-mail of a service's mail outbox, about one aggregate of one procurement."""

    message_id: str  # stable: the dedupe key, and what a resend would carry
    procurement_id: UUID
    aggregate: str  # e.g. purchase_request, package, fulfilment: where its history goes
    aggregate_id: UUID
    recipient: str | None  # None: no address is known (it fails at once, visibly)
    subject: str
    body: str
    next_attempt_at: datetime  # when due; while ``sending``, the claim's lease
    created_at: datetime
    causation_id: str | None = None  # the event that caused it, if any
    kind: str = "your_turn"
    recipient_role: str = ""  # whose turn it is: ppk, procurement_official, vendor
    sop_step: str = ""  # the SOP step the recipient must do
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None


def turn_email(
    turn: Turn,
    *,
    kind: str,
    message_id: str,
    recipient: str | None,
    content: tuple[str, str],
    now: datetime,
    causation_id: str | None = None,
) -> QueuedEmail:
    """The e-mail about ``turn`` (a "your turn" one, or a reminder of it), due now."""
    subject, body = content
    return QueuedEmail(
        message_id=message_id,
        procurement_id=turn.procurement_id,
        aggregate=turn.aggregate,
        aggregate_id=turn.aggregate_id,
        recipient=recipient,
        subject=subject,
        body=body,
        next_attempt_at=now,
        created_at=now,
        causation_id=causation_id,
        kind=kind,
        recipient_role=turn.actor_role,
        sop_step=turn.sop_step,
    )


@dataclass(frozen=True)
class MailPolicy:
    """How the sender retries, how long a claim lasts and how many it sends at once."""

    max_attempts: int = 8
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    # The safety net: the sender is woken by NOTIFY when an e-mail is queued, and looks
    # anyway this often (back-off retries and lapsed claims come due without a NOTIFY).
    poll_seconds: float = 5.0
    # How long a claimed e-mail may stay ``sending`` before it is taken for abandoned (the
    # sender crashed between SMTP and the commit) and flagged ``unconfirmed``.
    claim_seconds: float = 600.0
    # Due e-mails sent side by side by one sender (each claimed on its own, SKIP LOCKED).
    concurrency: int = 4


def backoff_seconds(policy: MailPolicy, attempts: int) -> float:
    """Exponential back-off after ``attempts`` failed attempts, capped."""
    delay = policy.backoff_seconds * (2 ** max(attempts - 1, 0))
    return float(min(delay, policy.backoff_max_seconds))


@dataclass(frozen=True)
class MailRules:
    """What a service's "your turn" e-mails and reminders take from its settings."""

    public_base_url: str = "http://localhost"
    sender: str = "e-purchasing <no-reply@epurchasing.example>"
    turn_emails: bool = True  # "your turn" e-mails at the hand-offs
    overdue_reminders: bool = True  # a reminder when a turn becomes overdue

    @property
    def message_domain(self) -> str:
        """The right-hand side of the Message-IDs: the sender's domain."""
        return self.sender.rsplit("@", 1)[-1].strip(" >") or "epurchasing.example"

    def message_id(self, *parts: object) -> str:
        """A stable Message-ID, e.g. ``<purchase-request-<id>-turn-<turn id>@domain>``."""
        return f"<{'-'.join(str(p) for p in parts)}@{self.message_domain}>"

    def link(self, path: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/{path.lstrip('/')}"


@dataclass(frozen=True)
class OutgoingMail:
    """What the mailer sends: one claimed e-mail, dated at the attempt."""

    aggregate_id: UUID
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
        """Send ``mail``; the server's reply. Raises :class:`MailDeliveryError`."""


class MailOutbox(Protocol):
    """The mail outbox of a unit of work (SQL: :class:`.sql.SqlMailOutbox`; in memory:
    ``epurchasing_shared.testing.unit_of_work.MemoryMailOutbox``)."""

    async def queue(self, email: QueuedEmail) -> bool:
        """Add the e-mail unless one with its Message-ID exists; True when added (the
        sender is then woken once the transaction commits)."""

    async def claim_next(self, now: datetime) -> tuple[QueuedEmail | None, bool]:
        """The e-mail to handle next, locked so that no other sender takes it: pending and due,
        or still ``sending`` after its claim's lease (``next_attempt_at``), whichever came due
        first (``status`` tells which); and whether another
        one is due besides it (so that the sender looks again only then)."""

    async def save(self, email: QueuedEmail) -> None: ...

    async def by_message_id(
        self, message_id: str, *, for_update: bool = False
    ) -> QueuedEmail | None: ...

    async def of_aggregate(self, aggregate_id: UUID) -> list[QueuedEmail]:
        """The aggregate's e-mails, oldest first."""
