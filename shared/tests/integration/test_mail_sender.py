"""The shared mail sender on a real database and a real SMTP server (aiosmtpd): two senders
(replicas) with four workers each send every queued e-mail exactly once, side by side but
never more than four at a time each; a queued e-mail wakes a sender (NOTIFY) long before its
poll; the migration helper creates the table the services use."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import MetaData, inspect

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import MailPolicy, QueuedEmail
from epurchasing_shared.mail.listen import NotifyWakeup
from epurchasing_shared.mail.sender import MailSender
from epurchasing_shared.mail.smtp import SmtpConfig, SmtpMailer
from epurchasing_shared.mail.sql import SqlMailOutbox, add_mail_outbox_table
from epurchasing_shared.migrations import create_database_if_missing
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.spine import add_spine_tables
from epurchasing_shared.testing.mail import MailCatcher

pytestmark = pytest.mark.integration

metadata = MetaData()
spine = add_spine_tables(metadata)
outbox_table = add_mail_outbox_table(metadata)


class MailUnitOfWork(SqlUnitOfWork):
    async def _open(self) -> None:
        self.mail_outbox = SqlMailOutbox(self.session, outbox_table)


@dataclass
class MailDb:
    url: str
    sessions: object

    def unit_of_work(self, caller: Caller) -> MailUnitOfWork:
        return MailUnitOfWork(
            service="mailtest",
            clock=SystemClock(),
            caller=caller,
            sessions=self.sessions,  # type: ignore[arg-type]
            spine=spine,
            store=DocumentStore("var/documents/mail_test"),
        )


@pytest.fixture(scope="module")
async def mail_db(infrastructure, run_id) -> AsyncIterator[MailDb]:
    url = infrastructure.database(f"{run_id}_mail")
    await create_database_if_missing(url)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield MailDb(url, make_session_factory(engine))
    await engine.dispose()
    await infrastructure.drop_database(url)


@pytest.fixture
def catcher() -> AsyncIterator[MailCatcher]:
    found = MailCatcher().start()
    yield found
    found.stop()


class Recorder:
    def __init__(self) -> None:
        self.outcomes: Counter[tuple[str, str]] = Counter()

    async def __call__(self, uow, email: QueuedEmail, outcome: str, reason: str) -> None:
        self.outcomes[(email.message_id, outcome)] += 1


class Bounded:
    """The real SMTP mailer, a little slow, counting how many sends are in flight at once."""

    def __init__(self, mailer: SmtpMailer) -> None:
        self.mailer, self.in_flight, self.most = mailer, 0, 0

    async def send(self, mail):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.05)
            return await self.mailer.send(mail)
        finally:
            self.in_flight -= 1


def email(tag: str, n: int) -> QueuedEmail:
    now = datetime.now(UTC)
    return QueuedEmail(
        message_id=f"<test-{tag}-{n}@epurchasing.example>",
        procurement_id=uuid4(),
        aggregate="purchase_request",
        aggregate_id=uuid4(),
        recipient=f"official-{n}@dinkes.example.go.id",
        subject=f"Permintaan pembelian {n}",
        body="Yth. Sari,\n",
        next_attempt_at=now,
        created_at=now,
        kind="your_turn",
        recipient_role="procurement_official",
        sop_step="4",
    )


async def queue(db: MailDb, emails: list[QueuedEmail]) -> None:
    async with db.unit_of_work(Caller.system()) as uow:
        for one in emails:
            assert await uow.mail_outbox.queue(one)
        assert not await uow.mail_outbox.queue(emails[0])  # the Message-ID is the key


def sender(db: MailDb, mailer, record: Recorder, **policy) -> MailSender:
    return MailSender(
        unit_of_work=db.unit_of_work,
        mailer=mailer,
        policy=MailPolicy(**policy),
        outbox=lambda uow: uow.mail_outbox,
        record=record,
        name="mailtest",
    )


async def test_two_senders_send_each_email_once_four_at_a_time_each(mail_db, catcher):
    tag = uuid4().hex[:8]
    queued = [email(tag, n) for n in range(24)]
    await queue(mail_db, queued)
    smtp = SmtpMailer(SmtpConfig(port=catcher.port, timeout_seconds=5))
    record = Recorder()
    replicas = [Bounded(smtp), Bounded(smtp)]
    handled = await asyncio.gather(
        *(sender(mail_db, mailer, record, concurrency=4).deliver_due() for mailer in replicas)
    )

    ours = [m for _, m in catcher.received if tag in m["Message-ID"]]
    assert sorted(m["Message-ID"] for m in ours) == sorted(e.message_id for e in queued)
    assert sum(handled) == len(queued)
    assert all(1 < r.most <= 4 for r in replicas), [r.most for r in replicas]
    assert record.outcomes == Counter({(e.message_id, "sent"): 1 for e in queued})
    async with mail_db.unit_of_work(Caller.system()) as uow:
        for one in queued:
            stored = await uow.mail_outbox.by_message_id(one.message_id)
            assert stored is not None and (stored.status, stored.attempts) == ("sent", 1)


async def test_one_look_claims_the_first_due_of_both_kinds_and_says_if_another_is_due(
    mail_db, catcher
):
    """``claim_next`` on PostgreSQL: a lapsed claim and pending e-mails in one look, in the
    order they came due; a row another sender holds is skipped but still counts as due (its
    claim may roll back); the sender then handles all three, and nothing is left due."""
    tag = uuid4().hex[:8]
    past = datetime.now(UTC) - timedelta(minutes=5)
    lapsed = replace(email(tag, 0), status="sending", attempts=1, next_attempt_at=past)
    first = replace(email(tag, 1), next_attempt_at=past + timedelta(minutes=2))
    second = replace(email(tag, 2), next_attempt_at=past + timedelta(minutes=3))
    await queue(mail_db, [lapsed, first, second])
    now = datetime.now(UTC)
    async with mail_db.unit_of_work(Caller.system()) as holder:
        held, more = await holder.mail_outbox.claim_next(now)
        assert held is not None and (held.message_id, held.status, more) == (
            lapsed.message_id,
            "sending",
            True,
        )
        async with mail_db.unit_of_work(Caller.system()) as other:
            found, more = await other.mail_outbox.claim_next(now)
            assert found is not None and (found.message_id, more) == (first.message_id, True)
            async with mail_db.unit_of_work(Caller.system()) as third:
                last, more = await third.mail_outbox.claim_next(now)
                assert last is not None and (last.message_id, more) == (second.message_id, True)
                async with mail_db.unit_of_work(Caller.system()) as fourth:
                    assert await fourth.mail_outbox.claim_next(now) == (None, False)

    record = Recorder()
    smtp = SmtpMailer(SmtpConfig(port=catcher.port, timeout_seconds=5))
    assert await sender(mail_db, smtp, record, concurrency=4).deliver_due() == 3
    assert record.outcomes == Counter(
        {
            (lapsed.message_id, "unconfirmed"): 1,
            (first.message_id, "sent"): 1,
            (second.message_id, "sent"): 1,
        }
    )
    async with mail_db.unit_of_work(Caller.system()) as uow:
        assert await uow.mail_outbox.claim_next(datetime.now(UTC)) == (None, False)


async def test_a_queued_email_wakes_the_sender_before_its_poll(mail_db, catcher):
    tag = uuid4().hex[:8]
    smtp = SmtpMailer(SmtpConfig(port=catcher.port, timeout_seconds=5))
    running = sender(mail_db, smtp, Recorder(), poll_seconds=600)

    async def run() -> None:
        async with NotifyWakeup(mail_db.url, reconnect_seconds=0.2) as wakeup:
            await running.run(wakeup)

    task = asyncio.create_task(run())
    try:
        await asyncio.sleep(1.0)  # the sender has drained and sleeps (600 s poll)
        await queue(mail_db, [email(tag, 1)])
        async with asyncio.timeout(5):
            while not [m for _, m in catcher.received if tag in m["Message-ID"]]:
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_the_migration_helper_creates_the_services_table(infrastructure, run_id):
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from epurchasing_shared.mail.migrations import create_mail_outbox, drop_mail_outbox

    url = infrastructure.database(f"{run_id}_mailmig")
    await create_database_if_missing(url)
    engine = make_engine(url)
    try:

        def migrate(connection):
            operations = Operations(MigrationContext.configure(connection))
            create_mail_outbox(operations)
            table = inspect(connection).get_columns("mail_outbox")
            indexes = inspect(connection).get_indexes("mail_outbox")
            drop_mail_outbox(operations)
            return {c["name"] for c in table}, {i["name"] for i in indexes}

        async with engine.begin() as connection:
            columns, indexes = await connection.run_sync(migrate)
    finally:
        await engine.dispose()
        await infrastructure.drop_database(url)
    assert columns == {c.name for c in outbox_table.columns}
    assert "ix_mail_outbox_due" in indexes
