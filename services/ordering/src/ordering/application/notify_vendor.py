"""Ordering's e-mails through the shared mail sender (``epurchasing_shared.mail.sender``:
claim-then-send, at most once per Message-ID, back-off, ``unconfirmed`` for an operator).

What is ordering's own is the history of each attempt, on the package:

- step 15's e-mail to the vendor (``package_processed``): ``vendor_email_sent``, ``_failed``
  or ``_unconfirmed`` at step 15, and once sent ``ordering.vendor_notified.v1`` (caused by the
  ``package_processing`` event that queued it);
- a "your turn" e-mail or an overdue reminder: ``notification_<outcome>`` at the e-mail's SOP
  step (hand_off.py queues them).

Every entry is a side entry by the system: whoever's turn it is goes on.
"""

from collections.abc import Callable
from typing import Any

from epurchasing_shared.contracts.ordering import VendorNotified
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import Mailer, MailPolicy, Outcome, QueuedEmail, backoff_seconds
from epurchasing_shared.mail.sender import MailSender, notification_change
from ordering.application.loading import AGGREGATE
from ordering.application.ports import OrderingUnitOfWork
from ordering.domain.states import PACKAGE

__all__ = ["backoff_seconds", "deliver_one", "mail_sender", "record_outcome"]

UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]


def vendor_emails(uow: OrderingUnitOfWork) -> Any:
    return uow.vendor_emails


async def record_outcome(uow: Any, email: QueuedEmail, outcome: Outcome, reason: str) -> None:
    """The sender's hook: the package's history entry of one attempt (and, once step 15's
    e-mail is sent, ``ordering.vendor_notified.v1``)."""
    assert isinstance(uow, OrderingUnitOfWork)
    package = await uow.packages.get(email.aggregate_id)
    assert package is not None  # the e-mail's foreign key
    if email.kind == "package_processed":
        change = package.vendor_email(f"vendor_email_{outcome}", reason)
    else:
        PACKAGE[f"notification_{outcome}"]  # a row of the table
        change = notification_change(email, outcome, reason, package.state)
    await uow.history(
        change,
        procurement_id=email.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=email.aggregate_id,
        actor=None,
        close_turn=False,
    )
    if outcome != "sent" or email.kind != "package_processed":
        return
    assert email.recipient is not None and email.sent_at is not None
    payload = VendorNotified(
        package_id=package.id,
        vendor_id=package.vendor.id,
        recipient=email.recipient,
        message_id=email.message_id,
        attempts=email.attempts,
        sent_at=email.sent_at,
    )
    await uow.record(
        payload, procurement_id=package.procurement_id, sop_step=change.sop_step, actor=None
    )


def mail_sender(unit_of_work: UnitOfWorkFactory, mailer: Mailer, policy: MailPolicy) -> MailSender:
    return MailSender(
        unit_of_work=unit_of_work,
        mailer=mailer,
        policy=policy,
        outbox=vendor_emails,
        record=record_outcome,
        name="ordering",
    )


async def deliver_one(unit_of_work: UnitOfWorkFactory, mailer: Mailer, policy: MailPolicy) -> bool:
    """Flag one abandoned claim, or send the next due e-mail; False when nothing was to do."""
    return await mail_sender(unit_of_work, mailer, policy).deliver_one()
