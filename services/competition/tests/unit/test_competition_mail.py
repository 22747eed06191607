"""Competition's e-mails on the in-memory unit of work: the official's "your turn" e-mail when a
request is submitted (4), at the address the PPK gave or the official's own token's; the
reminder of an overdue turn; the shared sender's history entries on the request."""

from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from competition.application import notifications
from competition.application import purchase_requests as requests
from competition.domain.purchase_request import Official
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import MailDeliveryError, MailPolicy, MailRules
from epurchasing_shared.mail.sender import MailSender

from .fakes import InMemoryCompetitionUnitOfWork
from .world import OFFICIAL, PDF, PPK, RULES, World, draft_data

SITI = "siti@dinkes.example.go.id"


class FakeMailer:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.sent = fail, []

    async def send(self, mail):
        if self.fail:
            raise MailDeliveryError("connection refused")
        self.sent.append(mail)
        return "250 ok"


def sender(world: World, mailer, **policy) -> MailSender:
    return MailSender(
        unit_of_work=world.uow,
        mailer=mailer,
        policy=MailPolicy(**policy),
        outbox=notifications.mail_outbox,
        record=notifications.record_outcome,
        name="competition",
    )


async def drain(world: World, mailer) -> int:
    return await sender(world, mailer).deliver_due()


async def submitted(world: World, official: Official) -> UUID:
    request_id = await world.drafted()
    await requests.attach_request_document(
        world.uow, world.asks(PPK), request_id, "nota_dinas", PDF
    )
    await requests.submit_request(world.uow, world.asks(PPK), request_id, official)
    return request_id


class TestTheOfficialsTurnEmail:
    async def test_one_email_to_the_address_the_ppk_gave(self):
        world = World()
        request_id = await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        (email,) = world.store.mails()
        assert (email.kind, email.sop_step, email.recipient_role) == (
            "your_turn",
            "4",
            "procurement_official",
        )
        assert (email.aggregate, email.aggregate_id, email.procurement_id) == (
            "purchase_request",
            request_id,
            request_id,
        )
        assert email.recipient == SITI and "Yth. Sari" in email.body
        assert "menunggu penerimaan Anda" in email.subject and "English:" in email.body
        assert f"/purchase-requests/{request_id}" in email.body
        turn = next(t for t in world.store.turns if t.is_open)
        assert (
            email.message_id
            == f"<purchase-request-{request_id}-turn-{turn.id}@epurchasing.example>"
        )
        # the event names the official's address too
        submitted_event = next(
            e for e in world.store.events if e.type.endswith("purchase_request_submitted.v1")
        )
        assert submitted_event.data["official"]["email"] == SITI

        mailer = FakeMailer()
        assert await drain(world, mailer) == 1
        assert [m.recipient for m in mailer.sent] == [SITI]
        assert await drain(world, mailer) == 0  # once
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.actor) == ("notification_sent", "4", None)
        assert entry.to_state == "submitted" and SITI not in entry.reason  # the role only
        assert "sent to the procurement_official as <" in entry.reason
        assert next(t for t in world.store.turns if t.is_open) == turn  # the turn goes on

    async def test_with_no_address_it_is_queued_and_fails_once_visibly(self):
        world = World()
        await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name))
        (email,) = world.store.mails()
        assert email.recipient is None
        mailer = FakeMailer()
        await drain(world, mailer)
        assert mailer.sent == []
        (email,) = world.store.mails()
        assert (email.status, email.attempts) == ("failed", 1)
        failed = [h for h in world.store.history if h.action == "notification_failed"]
        assert len(failed) == 1
        assert "no e-mail address is known for the procurement_official" in failed[0].reason

    async def test_the_officials_token_gives_the_address_of_later_turns(self):
        """Returned by an official whose token carries an email claim, the request is sent
        again naming them without an address: the e-mail goes to their token's address."""
        world = World()
        request_id = await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name))
        official = replace(OFFICIAL, email="sari.token@dinkes.example.go.id")
        await requests.return_request(world.uow, world.asks(official), request_id, "revisi")
        await requests.submit_request(
            world.uow, world.asks(PPK), request_id, Official(OFFICIAL.sub, OFFICIAL.name)
        )
        first, second = world.store.mails(kind="your_turn")
        assert first.recipient is None
        assert second.recipient == "sari.token@dinkes.example.go.id"
        assert first.message_id != second.message_id  # one per hand-off

    async def test_no_email_when_the_setting_is_off(self, monkeypatch):
        monkeypatch.setattr(
            InMemoryCompetitionUnitOfWork, "mail", MailRules(turn_emails=False), raising=False
        )
        world = World()
        await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        assert world.store.mails() == []

    async def test_a_failure_is_retried_with_backoff_then_sent(self):
        world = World()
        await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        await sender(world, FakeMailer(fail=True), backoff_seconds=30).deliver_due()
        (email,) = world.store.mails()
        assert (email.status, email.attempts) == ("pending", 1)
        mailer = FakeMailer()
        assert await drain(world, mailer) == 0  # the back-off holds
        world.clock.advance(seconds=31)
        assert await drain(world, mailer) == 1
        actions = [h.action for h in world.store.history if h.action.startswith("notification")]
        assert actions == ["notification_failed", "notification_sent"]


class TestOverdueReminders:
    async def overdue(self, world: World, aggregate_id: UUID) -> None:
        turn = next(t for t in world.store.turns if t.aggregate_id == aggregate_id and t.is_open)
        world.clock.set(turn.due_at + timedelta(seconds=1))
        async with world.uow(Caller.system()) as uow:
            await notifications.on_overdue(uow, turn)
        async with world.uow(Caller.system()) as uow:  # the scanner flags a turn once; the
            await notifications.on_overdue(uow, turn)  # Message-ID keeps it one anyway

    async def test_the_officials_overdue_turn_4_is_reminded_once(self):
        world = World()
        request_id = await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        await self.overdue(world, request_id)
        (reminder,) = world.store.mails(kind="overdue_reminder")
        assert (reminder.sop_step, reminder.recipient_role, reminder.recipient) == (
            "4",
            "procurement_official",
            SITI,
        )
        assert "Pengingat: langkah 4" in reminder.subject and "English:" in reminder.body
        assert "overdue" in reminder.message_id

    async def test_the_ppks_turn_3_reminds_the_ppk_at_their_tokens_address(self):
        world = World()
        ppk = replace(PPK, email="budi@dinkes.example.go.id")
        made = await requests.draft_request(world.uow, world.asks(ppk), draft_data(), RULES)
        await self.overdue(world, UUID(made.body["id"]))
        (reminder,) = world.store.mails(kind="overdue_reminder")
        assert (reminder.sop_step, reminder.recipient_role, reminder.recipient) == (
            "3",
            "ppk",
            "budi@dinkes.example.go.id",
        )

    async def test_a_competitions_overdue_turn_reminds_the_requests_official(self):
        world = World()
        competition_id = await world.competition()  # the official's turn to open it (9)
        async with world.uow(Caller.system()) as uow:
            request = await uow.requests.get(
                (await uow.competitions.get(competition_id)).purchase_request_id
            )
            assert request is not None and request.official is not None
            request.official = replace(request.official, email=SITI)
            await uow.requests.save(request, world.clock.now())
        await self.overdue(world, competition_id)
        (reminder,) = world.store.mails(kind="overdue_reminder")
        assert (reminder.aggregate, reminder.sop_step, reminder.recipient) == (
            "competition",
            "9",
            SITI,
        )
        await drain(world, FakeMailer())
        entry = world.store.history[-1]
        assert (entry.aggregate, entry.action, entry.sop_step) == (
            "competition",
            "notification_sent",
            "9",
        )

    async def test_no_reminder_when_the_setting_is_off(self, monkeypatch):
        monkeypatch.setattr(
            InMemoryCompetitionUnitOfWork,
            "mail",
            MailRules(overdue_reminders=False),
            raising=False,
        )
        world = World()
        request_id = await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        await self.overdue(world, request_id)
        assert world.store.mails(kind="overdue_reminder") == []


class TestTheSendersLooks:
    """The shared sender looks for due e-mails once when there is none, starts a second worker
    only when a claim says another e-mail is due, and a worker looks again only then (it used
    to look twice per worker, four workers, and once more for lapsed claims each wake-up)."""

    @staticmethod
    def counting(looks: list[bool]):
        def outbox(uow):
            box = notifications.mail_outbox(uow)
            original = box.claim_next

            async def claim_next(now):
                found, more = await original(now)
                looks.append(found is not None)
                return found, more

            box.claim_next = claim_next
            return box

        return outbox

    def sender(self, world: World, mailer, looks: list[bool]) -> MailSender:
        return MailSender(
            unit_of_work=world.uow,
            mailer=mailer,
            policy=MailPolicy(concurrency=4),
            outbox=self.counting(looks),
            record=notifications.record_outcome,
            name="competition",
        )

    async def test_nothing_due_is_one_look(self):
        looks: list[bool] = []
        assert await self.sender(World(), FakeMailer(), looks).deliver_due() == 0
        assert looks == [False]

    async def test_each_due_email_is_sent_once_with_few_empty_looks(self):
        world, mailer, looks = World(), FakeMailer(), []
        for _ in range(3):
            await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        assert await self.sender(world, mailer, looks).deliver_due() == 3
        assert len(mailer.sent) == 3 and looks.count(True) == 3
        # In memory one claim runs at a time: each says whether another is due, so the last
        # worker stops without an empty look (the SQL claim's "more" is tested on PostgreSQL).
        assert looks.count(False) <= 2

    async def test_one_due_email_is_one_look(self):
        world, mailer, looks = World(), FakeMailer(), []
        await submitted(world, Official(OFFICIAL.sub, OFFICIAL.name, SITI))
        assert await self.sender(world, mailer, looks).deliver_due() == 1
        assert len(mailer.sent) == 1 and looks == [True]
