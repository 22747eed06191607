"""Step 15: the mail sender on the in-memory unit of work, with a fake mailer."""

from ordering.application.notify_vendor import backoff_seconds, deliver_one
from ordering.application.ports import MailDeliveryError, MailPolicy
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
