"""Step 15: deliver the queued vendor e-mails, retrying with back-off, visibly in history.

A background task of the service. The guarantee is AT MOST ONCE per hand-off (one e-mail per
package, with a stable ``Message-ID``), by claim-then-send:

1. claim: one transaction marks the due e-mail ``sending`` (``SKIP LOCKED``, so replicas never
   take the same one; ``next_attempt_at`` becomes the claim's lease) and COMMITS;
2. send: SMTP, outside any transaction;
3. record: a second transaction marks it ``sent`` (history + ``ordering.vendor_notified.v1``),
   or, when the server certainly did not take it, ``pending`` again with back-off (or
   ``failed`` after the last attempt).

A crash between 1 and 3 leaves the e-mail ``sending``; once its lease has run out it is NOT
sent again but marked ``unconfirmed`` (history entry ``vendor_email_unconfirmed``, the
``epurchasing_mail_messages{status="unconfirmed"}`` gauge, a warning in the log) for an
operator, who checks the mail server's log for the Message-ID. An SMTP error after which the
server may have taken the message (a timeout or disconnection mid-conversation) is treated
the same way. Why not at-least-once: the vendor can always see the package in the
application, while two identical notifications of one package make it look like two orders.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from epurchasing_shared.contracts.ordering import VendorNotified
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Caller
from ordering.application.loading import AGGREGATE
from ordering.application.ports import (
    MailDeliveryError,
    Mailer,
    MailOutcomeUnknown,
    MailPolicy,
    OrderingUnitOfWork,
    OutgoingMail,
)
from ordering.domain.notification import VendorEmail
from ordering.domain.package import Package
from ordering.domain.states import PACKAGE

log = logging.getLogger("ordering.mail")
UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]


def backoff_seconds(policy: MailPolicy, attempts: int) -> float:
    """Exponential back-off after ``attempts`` failed attempts, capped."""
    delay = policy.backoff_seconds * (2 ** max(attempts - 1, 0))
    return float(min(delay, policy.backoff_max_seconds))


def _change(package: Package, email: VendorEmail, outcome: str, reason: str) -> Change:
    """The history of one attempt: ``vendor_email_<outcome>`` for step 15's e-mail,
    ``notification_<outcome>`` (at the e-mail's SOP step) for a hand-off or reminder."""
    if email.kind == "package_processed":
        return package.vendor_email(f"vendor_email_{outcome}", reason)
    action = f"notification_{outcome}"
    PACKAGE[action]  # a row of the table
    reason = f"{email.kind} to the {email.recipient_role}: {reason}"
    return Change(action, package.state, package.state, email.sop_step, reason)


async def _history(
    uow: OrderingUnitOfWork, package: Package, email: VendorEmail, action: str, reason: str
) -> None:
    # A side entry: whoever's turn it is goes on (an e-mail is not the actor's action).
    await uow.history(
        _change(package, email, action.rsplit("_", 1)[-1], reason),
        procurement_id=email.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=email.package_id,
        actor=None,
        close_turn=False,
    )


async def _failed(
    uow: OrderingUnitOfWork, policy: MailPolicy, package: Package, email: VendorEmail, error: str
) -> None:
    """The server certainly did not take the message: retry later, or give up."""
    attempts = email.attempts
    if attempts >= policy.max_attempts or not email.recipient:
        await uow.vendor_emails.save(replace(email, status="failed", last_error=error))
        reason = f"attempt {attempts}: {error}; giving up"
        await _history(uow, package, email, "vendor_email_failed", reason)
        return
    retry_at = uow.now() + timedelta(seconds=backoff_seconds(policy, attempts))
    await uow.vendor_emails.save(
        replace(email, status="pending", last_error=error, next_attempt_at=retry_at)
    )
    reason = f"attempt {attempts}: {error}; next attempt at {retry_at.isoformat()}"
    await _history(uow, package, email, "vendor_email_failed", reason)


async def _unconfirmed(
    uow: OrderingUnitOfWork, package: Package, email: VendorEmail, why: str
) -> None:
    """Whether the server took the message is unknown: never re-sent automatically."""
    await uow.vendor_emails.save(replace(email, status="unconfirmed", last_error=why))
    reason = (
        f"attempt {email.attempts}: {why}; not re-sent automatically, an operator must check "
        f"the mail server for {email.message_id}"
    )
    log.warning("e-mail of package %s unconfirmed: %s", email.package_id, why)
    await _history(uow, package, email, "vendor_email_unconfirmed", reason)


async def _sent(uow: OrderingUnitOfWork, package: Package, email: VendorEmail) -> None:
    now = uow.now()
    await uow.vendor_emails.save(replace(email, status="sent", sent_at=now, last_error=None))
    reason = f"attempt {email.attempts}: sent to {email.recipient} as {email.message_id}"
    await _history(uow, package, email, "vendor_email_sent", reason)
    if email.kind != "package_processed":
        return
    payload = VendorNotified(
        package_id=package.id,
        vendor_id=package.vendor.id,
        recipient=email.recipient,
        message_id=email.message_id,
        attempts=email.attempts,
        sent_at=now,
    )
    await uow.record(
        payload,
        procurement_id=package.procurement_id,
        sop_step=package.vendor_email("vendor_email_sent", reason).sop_step,
        actor=None,
    )


async def _package_of(uow: OrderingUnitOfWork, email: VendorEmail) -> Package:
    # vendor_notified is caused by the package_processing event that queued the e-mail.
    uow.caller = Caller.system(email.causation_id)
    package = await uow.packages.get(email.package_id)
    assert package is not None  # the e-mail's foreign key
    return package


async def flag_abandoned(unit_of_work: UnitOfWorkFactory) -> bool:
    """An e-mail left ``sending`` past its lease (the sender died between SMTP and the
    commit) becomes ``unconfirmed``; False when there is none."""
    async with unit_of_work(Caller.system()) as uow:
        email = await uow.vendor_emails.claim_abandoned(uow.now())
        if email is None:
            return False
        package = await _package_of(uow, email)
        why = "the sender stopped between the SMTP conversation and recording its outcome"
        await _unconfirmed(uow, package, email, why)
    return True


async def _claim(
    unit_of_work: UnitOfWorkFactory, policy: MailPolicy
) -> tuple[bool, OutgoingMail | None]:
    """Step 1: (something done, the mail to send now). The claim is committed before SMTP."""
    async with unit_of_work(Caller.system()) as uow:
        email = await uow.vendor_emails.claim_due(uow.now())
        if email is None:
            return False, None
        attempt = replace(email, attempts=email.attempts + 1)
        if not email.recipient:
            package = await _package_of(uow, email)
            why = f"no e-mail address is known for the {email.recipient_role}"
            await _failed(uow, policy, package, attempt, why)
            return True, None
        lease = uow.now() + timedelta(seconds=policy.claim_seconds)
        await uow.vendor_emails.save(replace(attempt, status="sending", next_attempt_at=lease))
        mail = OutgoingMail(
            package_id=email.package_id,
            recipient=email.recipient,
            subject=email.subject,
            body=email.body,
            message_id=email.message_id,
            date=uow.now(),
        )
    return True, mail


async def _record(
    unit_of_work: UnitOfWorkFactory,
    policy: MailPolicy,
    mail: OutgoingMail,
    error: MailDeliveryError | None,
) -> None:
    """Step 3: what SMTP said, kept (even if the claim's lease ran out meanwhile)."""
    async with unit_of_work(Caller.system()) as uow:
        email = await uow.vendor_emails.by_message_id(mail.message_id, for_update=True)
        assert email is not None
        package = await _package_of(uow, email)
        if error is None:
            await _sent(uow, package, email)
        elif isinstance(error, MailOutcomeUnknown):
            await _unconfirmed(uow, package, email, str(error))
        else:
            log.warning("e-mail of package %s not delivered: %s", email.package_id, error)
            await _failed(uow, policy, package, email, str(error))


async def deliver_one(unit_of_work: UnitOfWorkFactory, mailer: Mailer, policy: MailPolicy) -> bool:
    """Flag one abandoned claim, or send the next due e-mail; False when nothing was to do."""
    if await flag_abandoned(unit_of_work):
        return True
    done, mail = await _claim(unit_of_work, policy)
    if mail is None:
        return done
    try:
        await mailer.send(mail)
    except MailDeliveryError as error:
        await _record(unit_of_work, policy, mail, error)
    else:
        await _record(unit_of_work, policy, mail, None)
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
