"""Delivery's e-mails on the in-memory unit of work: the PPK's "your turn" e-mail when the goods
are delivered (25), at the address ordering's order_issued named; the reminders of overdue
turns (the vendor's, the PPK's); the shared sender's history entries on the fulfilment."""

from dataclasses import replace
from datetime import timedelta

from delivery_flow import Order
from fakes import FakeDeliveryUnitOfWork, World, asking, ppk_of, upload, vendor_of
from test_delivery_order_events import consume

from delivery.application import notifications, ppk_steps, vendor_steps
from delivery.domain.shipping import ShipmentStatus
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import MailPolicy, MailRules
from epurchasing_shared.mail.sender import MailSender

BUDI = "budi@dinkes.example.go.id"


class FakeMailer:
    def __init__(self) -> None:
        self.sent = []

    async def send(self, mail):
        self.sent.append(mail)
        return "250 ok"


async def drain(world: World, mailer: FakeMailer) -> int:
    sender = MailSender(
        unit_of_work=world.factory,
        mailer=mailer,
        policy=MailPolicy(),
        outbox=notifications.mail_outbox,
        record=notifications.record_outcome,
        name="delivery",
    )
    return await sender.deliver_due()


def shipment(world: World, status: str) -> vendor_steps.ShipmentInput:
    return vendor_steps.ShipmentInput(
        ShipmentStatus(status), "JNE", "T1", world.clock.now(), None, None
    )


async def preparing(world: World, order: Order):
    await consume(world, order.issued(), order.acknowledged())
    made = world.stored(order.procurement_id)
    vendor = asking(vendor_of(made))
    await vendor_steps.start_preparation(world.factory, vendor, order.procurement_id)
    return made, vendor


async def delivered(world: World, order: Order) -> None:
    """Steps 22–25: acknowledged, preparing, shipped, delivered."""
    pid = order.procurement_id
    _, vendor = await preparing(world, order)
    for status in ("shipped", "delivered"):
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment(world, status))


class TestThePpksTurnEmail:
    async def test_the_delivered_entry_emails_the_ppk_once(self):
        world, order = World(), Order(ppk_email=BUDI)
        pid = order.procurement_id
        _, vendor = await preparing(world, order)
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment(world, "shipped"))
        assert world.store.mails() == []  # the vendor's own turn goes on: nobody is e-mailed
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment(world, "delivered"))
        (email,) = world.store.mails()
        assert (email.kind, email.recipient_role, email.sop_step, email.recipient) == (
            "your_turn",
            "ppk",
            "26",
            BUDI,
        )
        assert (email.aggregate, email.aggregate_id) == ("fulfilment", pid)
        assert "menunggu pemeriksaan Anda" in email.subject and "SP-2026-001" in email.subject
        assert "Yth. Budi (PPK)" in email.body and "English:" in email.body
        assert f"/fulfilments/{pid}" in email.body
        turn = world.store.turns[-1]
        assert turn.is_open and email.message_id == (
            f"<fulfilment-{pid}-turn-{turn.id}@epurchasing.example>"
        )

        mailer = FakeMailer()
        assert await drain(world, mailer) == 1
        assert await drain(world, mailer) == 0
        assert [m.recipient for m in mailer.sent] == [BUDI]
        entry = world.store.history[-1]
        assert (entry.action, entry.sop_step, entry.actor, entry.to_state) == (
            "notification_sent",
            "26",
            None,
            "delivered",
        )
        assert world.store.turns[-1] == turn  # the PPK's turn goes on

    async def test_with_no_address_it_fails_once_visibly(self):
        world, order = World(), Order()
        await delivered(world, order)
        (email,) = world.store.mails()
        assert email.recipient is None
        await drain(world, FakeMailer())
        assert world.store.mails()[0].status == "failed"
        failed = [h for h in world.store.history if h.action == "notification_failed"]
        assert len(failed) == 1 and "no e-mail address is known for the ppk" in failed[0].reason

    async def test_the_acting_ppks_token_address_is_kept(self):
        world, order = World(), Order()
        pid = order.procurement_id
        await delivered(world, order)
        ppk = replace(ppk_of(world.stored(pid)), email=BUDI)
        await ppk_steps.inspect_goods(world.factory, asking(ppk), pid, upload(), None)
        assert world.stored(pid).ppk_email == BUDI

    async def test_no_email_when_the_setting_is_off(self, monkeypatch):
        monkeypatch.setattr(
            FakeDeliveryUnitOfWork, "mail", MailRules(turn_emails=False), raising=False
        )
        world, order = World(), Order(ppk_email=BUDI)
        await delivered(world, order)
        assert world.store.mails() == []


class TestOverdueReminders:
    async def overdue(self, world: World) -> None:
        turn = next(t for t in world.store.turns if t.is_open)
        world.clock.set(turn.due_at + timedelta(seconds=1))
        for _ in range(2):  # once per turn, even if the hook ran twice
            async with world.unit_of_work(Caller.system()) as uow:
                await notifications.on_overdue(uow, turn)

    async def test_the_vendors_overdue_turn_reminds_the_vendor(self):
        world, order = World(), Order(ppk_email=BUDI)
        await consume(world, order.issued(), order.acknowledged())  # the vendor's turn (23)
        await self.overdue(world)
        (reminder,) = world.store.mails(kind="overdue_reminder")
        assert (reminder.recipient_role, reminder.sop_step, reminder.recipient) == (
            "vendor",
            "23",
            "sales@maju.example",
        )
        assert "Pengingat: langkah 23" in reminder.subject and "English:" in reminder.body

    async def test_the_ppks_overdue_inspection_reminds_the_ppk(self):
        world, order = World(), Order(ppk_email=BUDI)
        await delivered(world, order)
        await self.overdue(world)
        (reminder,) = world.store.mails(kind="overdue_reminder")
        assert (reminder.recipient_role, reminder.sop_step, reminder.recipient) == (
            "ppk",
            "26",
            BUDI,
        )
        mailer = FakeMailer()
        assert await drain(world, mailer) == 2  # the your-turn e-mail and the reminder
        assert sorted(m.message_id for m in mailer.sent) == sorted(
            e.message_id for e in world.store.mails()
        )
