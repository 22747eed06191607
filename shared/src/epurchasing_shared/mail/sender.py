"""The mail sender: delivers a service's queued e-mails, retrying with back-off, visibly in the
history. A background task of each service that sends mail (competition, ordering, delivery).

The guarantee is AT MOST ONCE per e-mail (its stable ``Message-ID``), by claim-then-send:

1. claim: one transaction marks one due e-mail ``sending`` (``SKIP LOCKED``, so neither another
   replica nor another worker of this one takes it; ``next_attempt_at`` becomes the claim's
   lease) and COMMITS;
2. send: SMTP, outside any transaction;
3. record: a second transaction marks it ``sent``, or, when the server certainly did not take
   it, ``pending`` again with back-off (or ``failed`` after the last attempt, or at once when
   no address is known). The service's hook writes the history entry of the outcome (and any
   event, e.g. ordering's ``vendor_notified``) in that transaction.

A crash between 1 and 3 leaves the e-mail ``sending``; once its lease has run out it is NOT
sent again but marked ``unconfirmed`` (a history entry, the
``epurchasing_mail_messages{status="unconfirmed"}`` gauge, a warning in the log) for an
operator, who checks the mail server's log for the Message-ID. An SMTP error after which the
server may have taken the message (a timeout or disconnection mid-conversation) is treated the
same way. Why not at-least-once: the recipient can always see their turn in the application,
while two identical e-mails of one hand-off look like two hand-offs.

The sender is woken when an e-mail is queued (PostgreSQL ``NOTIFY`` on commit, see
:mod:`.sql` and :mod:`.listen`) and looks anyway every ``poll_seconds`` (retries and lapsed
claims come due without a NOTIFY). It sends up to ``concurrency`` due e-mails side by side,
each claimed on its own; one look finds the next due e-mail or lapsed claim and says whether
another is due, so a wake-up for one e-mail costs one claim and no empty look.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Protocol

from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.mail import (
    MailDeliveryError,
    Mailer,
    MailOutbox,
    MailOutcomeUnknown,
    MailPolicy,
    Outcome,
    OutgoingMail,
    QueuedEmail,
    backoff_seconds,
)
from epurchasing_shared.mail.addresses import one_address

log = logging.getLogger("epurchasing.mail")

#: The mail outbox of one of the service's units of work (e.g. ``lambda uow: uow.mail_outbox``).
OutboxOf = Callable[[Any], MailOutbox]
#: The service's hook, in the transaction that records an outcome: ``(uow, email, outcome,
#: reason)`` writes the history entry of the e-mail's aggregate (and any event).
RecordOutcome = Callable[[Any, QueuedEmail, Outcome, str], Awaitable[None]]

ABANDONED = "the sender stopped between the SMTP conversation and recording its outcome"


def notification_change(email: QueuedEmail, outcome: Outcome, reason: str, state: str) -> Change:
    """The history entry of one attempt of a "your turn" e-mail or reminder:
    ``notification_<outcome>`` at the e-mail's SOP step; the aggregate stays in ``state``
    (each service's table has the three rows, from no state)."""
    reason = f"{email.kind} to the {email.recipient_role}: {reason}"
    return Change(f"notification_{outcome}", state, state, email.sop_step, reason)


async def record_notification(
    uow: UnitOfWork, email: QueuedEmail, outcome: Outcome, reason: str, state: str
) -> None:
    """Write :func:`notification_change` as a side entry of the e-mail's aggregate, by the
    system: whoever's turn it is goes on (an e-mail is not the actor's action)."""
    await uow.history(
        notification_change(email, outcome, reason, state),
        procurement_id=email.procurement_id,
        aggregate=email.aggregate,
        aggregate_id=email.aggregate_id,
        actor=None,
        close_turn=False,
    )


class Wakeup(Protocol):
    async def wait(self, timeout: float) -> None:
        """Return when woken (an e-mail was queued) or after ``timeout`` seconds."""


@dataclass(frozen=True)
class MailSender:
    unit_of_work: Callable[[Caller], UnitOfWork]
    mailer: Mailer
    policy: MailPolicy
    outbox: OutboxOf
    record: RecordOutcome
    name: str = "mail"  # the service, in log lines

    # --- outcomes: the row, then the service's history entry --------------------------------
    async def _sent(self, uow: Any, email: QueuedEmail) -> None:
        sent = replace(email, status="sent", sent_at=uow.now(), last_error=None)
        await self.outbox(uow).save(sent)
        # The role, not the address: whoever may read the history (a vendor, the PPK's own
        # address at step 25) must not learn another actor's e-mail address from it.
        whom = email.recipient_role or "recipient"
        reason = f"attempt {email.attempts}: sent to the {whom} as {email.message_id}"
        await self.record(uow, sent, "sent", reason)

    async def _failed(self, uow: Any, email: QueuedEmail, error: str) -> None:
        """The server certainly did not take the message: retry later, or give up."""
        attempts = email.attempts
        if attempts >= self.policy.max_attempts or one_address(email.recipient) is None:
            failed = replace(email, status="failed", last_error=error)
            await self.outbox(uow).save(failed)
            await self.record(uow, failed, "failed", f"attempt {attempts}: {error}; giving up")
            return
        retry_at = uow.now() + timedelta(seconds=backoff_seconds(self.policy, attempts))
        pending = replace(email, status="pending", last_error=error, next_attempt_at=retry_at)
        await self.outbox(uow).save(pending)
        reason = f"attempt {attempts}: {error}; next attempt at {retry_at.isoformat()}"
        await self.record(uow, pending, "failed", reason)

    async def _unconfirmed(self, uow: Any, email: QueuedEmail, why: str) -> None:
        """Whether the server took the message is unknown: never re-sent automatically."""
        flagged = replace(email, status="unconfirmed", last_error=why)
        await self.outbox(uow).save(flagged)
        reason = (
            f"attempt {email.attempts}: {why}; not re-sent automatically, an operator must "
            f"check the mail server for {email.message_id}"
        )
        log.warning(
            "%s: e-mail %s of %s %s unconfirmed: %s",
            self.name,
            email.message_id,
            email.aggregate,
            email.aggregate_id,
            why,
        )
        await self.record(uow, flagged, "unconfirmed", reason)

    # --- the three steps ------------------------------------------------------------------
    async def _claim(self) -> tuple[bool, OutgoingMail | None, bool]:
        """Step 1: (something done, the mail to send now, another one due). The claim is
        committed before SMTP. A claim whose lease ran out is flagged here (the same look)."""
        async with self.unit_of_work(Caller.system()) as uow:
            outbox = self.outbox(uow)
            email, more = await outbox.claim_next(uow.now())
            if email is None:
                return False, None, False
            uow.caller = Caller.system(email.causation_id)
            if email.status == "sending":  # its sender died between SMTP and the commit
                await self._unconfirmed(uow, email, ABANDONED)
                return True, None, more
            attempt = replace(email, attempts=email.attempts + 1)
            recipient = one_address(email.recipient)
            if recipient is None:
                whom = email.recipient_role or "recipient"
                why = (
                    f"no e-mail address is known for the {whom}"
                    if not email.recipient
                    else f"the {whom}'s e-mail address is not one valid address"
                )
                await self._failed(uow, attempt, why)
                return True, None, more
            lease = uow.now() + timedelta(seconds=self.policy.claim_seconds)
            await outbox.save(replace(attempt, status="sending", next_attempt_at=lease))
            mail = OutgoingMail(
                aggregate_id=email.aggregate_id,
                recipient=recipient,
                subject=email.subject,
                body=email.body,
                message_id=email.message_id,
                date=uow.now(),
            )
        return True, mail, more

    async def _record(self, mail: OutgoingMail, error: MailDeliveryError | None) -> None:
        """Step 3: what SMTP said, kept (even if the claim's lease ran out meanwhile)."""
        async with self.unit_of_work(Caller.system()) as uow:
            email = await self.outbox(uow).by_message_id(mail.message_id, for_update=True)
            assert email is not None
            uow.caller = Caller.system(email.causation_id)
            if error is None:
                await self._sent(uow, email)
            elif isinstance(error, MailOutcomeUnknown):
                await self._unconfirmed(uow, email, str(error))
            else:
                log.warning("%s: e-mail %s not delivered: %s", self.name, mail.message_id, error)
                await self._failed(uow, email, str(error))

    async def deliver_one(self) -> bool:
        """Flag one abandoned claim or send one due e-mail, whichever came due first; False
        when nothing was to do."""
        done, mail, _ = await self._claim()
        if mail is not None:
            await self._send(mail)
        return done

    async def _send(self, mail: OutgoingMail) -> None:
        """Step 2 (SMTP), then step 3."""
        try:
            await self.mailer.send(mail)
        except MailDeliveryError as error:
            await self._record(mail, error)
        else:
            await self._record(mail, None)

    async def deliver_due(self) -> int:
        """Everything due now, by up to ``policy.concurrency`` workers side by side (each
        e-mail claimed by one of them only); how many e-mails were handled (abandoned claims
        flagged included). One worker claims; a claim that says another e-mail is due starts
        another worker while fewer than ``concurrency`` run, and a worker looks again only
        when its last claim said so. A wake-up with nothing due costs one look, one e-mail
        one claim: an e-mail queued meanwhile is a NOTIFY, which wakes the sender again."""
        handled = 0
        workers: list[asyncio.Task[None]] = []

        async def worker() -> None:
            nonlocal handled
            while True:
                done, mail, more = await self._claim()
                if not done:
                    return
                handled += 1
                if more and sum(not w.done() for w in workers) < self.policy.concurrency:
                    workers.append(asyncio.create_task(worker()))
                if mail is not None:
                    await self._send(mail)
                if not more:
                    return

        # A worker that fails (the database away) does not cancel the others: an e-mail in
        # the middle of its SMTP conversation gets its outcome recorded.
        workers.append(asyncio.create_task(worker()))
        try:
            while running := [w for w in workers if not w.done()]:
                await asyncio.wait(running)
        except asyncio.CancelledError:
            for running_worker in workers:
                running_worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        for finished in workers:
            if finished.exception() is not None:
                raise finished.exception()  # type: ignore[misc]
        return handled

    async def run(self, wakeup: Wakeup | None = None) -> None:
        """Forever: send what is due, then wait for a wake-up (an e-mail queued) or the poll
        interval. Survives database outages."""
        while True:
            try:
                await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:  # e.g. the database is away: log, wait, try again
                log.exception("%s: mail sender failed; retrying", self.name)
            if wakeup is None:
                await asyncio.sleep(self.policy.poll_seconds)
            else:
                await wakeup.wait(self.policy.poll_seconds)
