"""Step 15: deliver the queued vendor e-mails, retrying with back-off, visibly in history.

A background task of the service (ServiceDefinition.background). Each attempt runs in one
transaction that locks the e-mail row (``SKIP LOCKED``, so replicas never send one twice) and
records the outcome: a history entry, and on success ``ordering.vendor_notified.v1``.
"""

import asyncio
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.ordering import VendorNotified
from epurchasing_shared.history import append_history
from epurchasing_shared.service import Runtime
from ordering.adapters.mail_outbox import claim_due_email, update_email
from ordering.adapters.mailer import MailDeliveryError, OutgoingMail, SmtpMailer
from ordering.adapters.repository import load_package
from ordering.application.common import emit
from ordering.settings import OrderingSettings

log = logging.getLogger("ordering.mail")


def backoff_seconds(settings: OrderingSettings, attempts: int) -> float:
    """Exponential back-off after ``attempts`` failed attempts, capped."""
    delay = settings.mail_backoff_seconds * (2 ** max(attempts - 1, 0))
    return float(min(delay, settings.mail_backoff_max_seconds))


async def _history(
    session: AsyncSession, runtime: Runtime, row: Any, action: str, reason: str
) -> None:
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=row["procurement_id"],
        aggregate="package",
        aggregate_id=row["package_id"],
        at=runtime.clock.now(),
        action=action,
        actor=None,
        from_state=None,
        to_state=None,
        sop_step="15",
        reason=reason,
    )


async def _failed(
    session: AsyncSession, runtime: Runtime, settings: OrderingSettings, row: Any, error: str
) -> None:
    attempts = row["attempts"] + 1
    now = runtime.clock.now()
    if attempts >= settings.mail_max_attempts or not row["recipient"]:
        await update_email(
            session, row["package_id"], status="failed", attempts=attempts, last_error=error
        )
        await _history(
            session, runtime, row, "vendor_email_failed", f"attempt {attempts}: {error}; giving up"
        )
        return
    retry_at = now + timedelta(seconds=backoff_seconds(settings, attempts))
    await update_email(
        session, row["package_id"], attempts=attempts, last_error=error, next_attempt_at=retry_at
    )
    await _history(
        session,
        runtime,
        row,
        "vendor_email_failed",
        f"attempt {attempts}: {error}; next attempt at {retry_at.isoformat()}",
    )


async def _sent(session: AsyncSession, runtime: Runtime, row: Any) -> None:
    attempts = row["attempts"] + 1
    now = runtime.clock.now()
    await update_email(session, row["package_id"], status="sent", attempts=attempts, sent_at=now)
    await _history(
        session,
        runtime,
        row,
        "vendor_email_sent",
        f"attempt {attempts}: sent to {row['recipient']} as {row['message_id']}",
    )
    package = await load_package(session, row["package_id"])
    assert package is not None
    payload = VendorNotified(
        package_id=package.id,
        vendor_id=package.vendor.id,
        recipient=row["recipient"],
        message_id=row["message_id"],
        attempts=attempts,
        sent_at=now,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="15",
        actor=None,
        causation_id=row["causation_id"],
    )


async def deliver_one(runtime: Runtime, mailer: SmtpMailer) -> bool:
    """Try the next due e-mail; False when none is due."""
    settings = runtime.settings
    assert isinstance(settings, OrderingSettings)
    async with runtime.unit_of_work() as session:
        row = await claim_due_email(session, runtime.clock.now())
        if row is None:
            return False
        if not row["recipient"]:
            await _failed(session, runtime, settings, row, "the vendor has no registered e-mail")
            return True
        mail = OutgoingMail(
            recipient=row["recipient"],
            subject=row["subject"],
            body=row["body"],
            message_id=row["message_id"],
            date=runtime.clock.now(),
        )
        try:
            await mailer.send(mail)
        except MailDeliveryError as error:
            log.warning("e-mail of package %s not delivered: %s", row["package_id"], error)
            await _failed(session, runtime, settings, row, str(error))
        else:
            await _sent(session, runtime, row)
    return True


async def run_vendor_mail_sender(runtime: Runtime, mailer: SmtpMailer) -> None:
    """Forever: send what is due, then sleep a poll interval. Survives database outages."""
    settings = runtime.settings
    assert isinstance(settings, OrderingSettings)
    while True:
        try:
            while await deliver_one(runtime, mailer):
                pass
        except asyncio.CancelledError:
            raise
        except Exception:  # e.g. the database is away: log, wait, try again
            log.exception("vendor mail sender failed; retrying")
        await asyncio.sleep(settings.mail_poll_seconds)
