"""Step 15: deliver the queued vendor e-mails, retrying with back-off, visibly in history.

A background task of the service. Each attempt runs in one unit of work that claims the
e-mail (locked, so replicas never send one twice) and records the outcome: a history entry,
and on success ``ordering.vendor_notified.v1``.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from epurchasing_shared.contracts.ordering import VendorNotified
from epurchasing_shared.kernel.unit_of_work import Caller
from ordering.application.loading import AGGREGATE
from ordering.application.ports import (
    MailDeliveryError,
    Mailer,
    MailPolicy,
    OrderingUnitOfWork,
    OutgoingMail,
)
from ordering.domain.notification import VendorEmail
from ordering.domain.package import Package

log = logging.getLogger("ordering.mail")
UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]


def backoff_seconds(policy: MailPolicy, attempts: int) -> float:
    """Exponential back-off after ``attempts`` failed attempts, capped."""
    delay = policy.backoff_seconds * (2 ** max(attempts - 1, 0))
    return float(min(delay, policy.backoff_max_seconds))


async def _history(
    uow: OrderingUnitOfWork, package: Package, email: VendorEmail, sent: bool, reason: str
) -> None:
    await uow.history(
        package.vendor_email(sent, reason),
        procurement_id=email.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=email.package_id,
        actor=None,
    )


async def _failed(
    uow: OrderingUnitOfWork, policy: MailPolicy, package: Package, email: VendorEmail, error: str
) -> None:
    attempts = email.attempts + 1
    if attempts >= policy.max_attempts or not email.recipient:
        await uow.vendor_emails.save(
            replace(email, status="failed", attempts=attempts, last_error=error)
        )
        await _history(uow, package, email, False, f"attempt {attempts}: {error}; giving up")
        return
    retry_at = uow.now() + timedelta(seconds=backoff_seconds(policy, attempts))
    await uow.vendor_emails.save(
        replace(email, attempts=attempts, last_error=error, next_attempt_at=retry_at)
    )
    reason = f"attempt {attempts}: {error}; next attempt at {retry_at.isoformat()}"
    await _history(uow, package, email, False, reason)


async def _sent(uow: OrderingUnitOfWork, package: Package, email: VendorEmail) -> None:
    attempts = email.attempts + 1
    now = uow.now()
    await uow.vendor_emails.save(replace(email, status="sent", attempts=attempts, sent_at=now))
    reason = f"attempt {attempts}: sent to {email.recipient} as {email.message_id}"
    await _history(uow, package, email, True, reason)
    payload = VendorNotified(
        package_id=package.id,
        vendor_id=package.vendor.id,
        recipient=email.recipient,
        message_id=email.message_id,
        attempts=attempts,
        sent_at=now,
    )
    await uow.record(
        payload,
        procurement_id=package.procurement_id,
        sop_step=package.vendor_email(True, reason).sop_step,
        actor=None,
    )


async def deliver_one(unit_of_work: UnitOfWorkFactory, mailer: Mailer, policy: MailPolicy) -> bool:
    """Try the next due e-mail; False when none is due."""
    async with unit_of_work(Caller.system()) as uow:
        email = await uow.vendor_emails.claim_due(uow.now())
        if email is None:
            return False
        # vendor_notified is caused by the package_processing event that queued the e-mail.
        uow.caller = Caller.system(email.causation_id)
        package = await uow.packages.get(email.package_id)
        assert package is not None  # the e-mail's foreign key
        if not email.recipient:
            await _failed(uow, policy, package, email, "the vendor has no registered e-mail")
            return True
        mail = OutgoingMail(
            recipient=email.recipient,
            subject=email.subject,
            body=email.body,
            message_id=email.message_id,
            date=uow.now(),
        )
        try:
            await mailer.send(mail)
        except MailDeliveryError as error:
            log.warning("e-mail of package %s not delivered: %s", email.package_id, error)
            await _failed(uow, policy, package, email, str(error))
        else:
            await _sent(uow, package, email)
    return True


async def run_vendor_mail_sender(
    unit_of_work: UnitOfWorkFactory, mailer: Mailer, policy: MailPolicy
) -> None:
    """Forever: send what is due, then sleep a poll interval. Survives database outages."""
    while True:
        try:
            while await deliver_one(unit_of_work, mailer, policy):
                pass
        except asyncio.CancelledError:
            raise
        except Exception:  # e.g. the database is away: log, wait, try again
            log.exception("vendor mail sender failed; retrying")
        await asyncio.sleep(policy.poll_seconds)
