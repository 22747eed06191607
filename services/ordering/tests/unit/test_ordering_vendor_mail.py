"""Step 15: the mail sender on the in-memory unit of work, with a fake mailer."""

import pytest

from ordering.application.notify_vendor import backoff_seconds, deliver_one
from ordering.application.ports import MailDeliveryError, MailOutcomeUnknown, MailPolicy
from ordering.application.process_package import process_package
from ordering.domain.states import PackageState as S

from .fakes import OFFICIAL, RULES, asking


class FakeMailer:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.sent = fail, []

    async def send(self, mail):
        if self.fail:
            raise MailDeliveryError("connection refused")
        self.sent.append(mail)
        return "250 ok"


class Crash(BaseException):
    """The process dies (nothing after it runs, no handler catches it)."""


class CrashAfterAcceptance:
    """The SMTP server accepts the message (the vendor's inbox gets it), then the sender dies
    before recording the outcome."""

    def __init__(self, inbox: list) -> None:
        self.inbox = inbox

    async def send(self, mail):
        self.inbox.append(mail)
        raise Crash


class Unsure:
    async def send(self, mail):
        raise MailOutcomeUnknown("SMTPReadTimeoutError: timed out after DATA")


async def processed(seeded):
    await process_package(seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, RULES)
    seeded.world.store.events.clear()
    seeded.world.store.history.clear()


class TestDeliverOne:
    async def test_sends_records_history_and_vendor_notified(self, seeded):
        await processed(seeded)
        mailer = FakeMailer()
        assert await deliver_one(seeded.world.unit_of_work, mailer, MailPolicy())
        (entry,) = seeded.world.store.history
        (event,) = seeded.world.store.events
        assert (entry.action, entry.sop_step, entry.actor) == ("vendor_email_sent", "15", None)
        assert event.type == "ordering.vendor_notified.v1" and event.causationid
        assert mailer.sent[0].recipient == "sales@sumber.example"
        assert not await deliver_one(seeded.world.unit_of_work, mailer, MailPolicy())

    async def test_a_failure_is_retried_later_with_backoff(self, seeded):
        await processed(seeded)
        assert await deliver_one(seeded.world.unit_of_work, FakeMailer(fail=True), MailPolicy())
        (email,) = seeded.world.store.table("vendor_emails").values()
        assert (email.status, email.attempts) == ("pending", 1)
        assert seeded.world.store.history[0].action == "vendor_email_failed"
        assert seeded.world.store.events == [] and seeded.package.state is S.PROCESSING

    async def test_gives_up_after_the_last_attempt(self, seeded):
        await processed(seeded)
        policy = MailPolicy(max_attempts=1)
        await deliver_one(seeded.world.unit_of_work, FakeMailer(fail=True), policy)
        (email,) = seeded.world.store.table("vendor_emails").values()
        assert email.status == "failed"

    def test_backoff_doubles_and_is_capped(self):
        policy = MailPolicy(backoff_seconds=30, backoff_max_seconds=100)
        assert [backoff_seconds(policy, n) for n in (1, 2, 3)] == [30, 60, 100]


class TestAtMostOnce:
    """Claim-then-send: a crash between the server's acceptance and the commit is never
    followed by a second copy; the e-mail is flagged for an operator instead."""

    async def test_a_crash_after_acceptance_sends_nothing_twice_and_flags_it(self, seeded):
        await processed(seeded)
        world, policy, inbox = seeded.world, MailPolicy(claim_seconds=600), []
        with pytest.raises(Crash):
            await deliver_one(world.unit_of_work, CrashAfterAcceptance(inbox), policy)
        (email,) = world.store.table("vendor_emails").values()
        assert (email.status, email.attempts) == ("sending", 1)  # the claim was committed

        # the restarted sender: nothing due while the claim's lease runs
        restarted = FakeMailer()
        assert not await deliver_one(world.unit_of_work, restarted, policy)
        world.clock.advance(seconds=601)
        assert await deliver_one(world.unit_of_work, restarted, policy)  # flagged
        world.clock.advance(seconds=3600)
        assert not await deliver_one(world.unit_of_work, restarted, policy)

        assert len(inbox) + len(restarted.sent) == 1  # what the vendor received
        (email,) = world.store.table("vendor_emails").values()
        assert email.status == "unconfirmed" and "stopped" in email.last_error
        (entry,) = world.store.history
        assert (entry.action, entry.sop_step) == ("vendor_email_unconfirmed", "15")
        assert email.message_id in entry.reason
        assert world.store.events == []  # no vendor_notified for what is not known

    async def test_an_unknown_smtp_outcome_is_flagged_not_retried(self, seeded):
        await processed(seeded)
        world = seeded.world
        assert await deliver_one(world.unit_of_work, Unsure(), MailPolicy())
        (email,) = world.store.table("vendor_emails").values()
        assert email.status == "unconfirmed"
        world.clock.advance(seconds=86_400)
        mailer = FakeMailer()
        assert not await deliver_one(world.unit_of_work, mailer, MailPolicy())
        assert mailer.sent == []

    async def test_the_message_id_is_stable_across_attempts(self, seeded):
        await processed(seeded)
        world, policy = seeded.world, MailPolicy(backoff_seconds=1)
        failing = FakeMailer(fail=True)
        await deliver_one(world.unit_of_work, failing, policy)
        world.clock.advance(seconds=2)
        mailer = FakeMailer()
        await deliver_one(world.unit_of_work, mailer, policy)
        (email,) = world.store.table("vendor_emails").values()
        assert (email.status, email.attempts) == ("sent", 2)
        assert mailer.sent[0].message_id == email.message_id
        assert email.message_id == f"<package-{seeded.id}@e.example>"
