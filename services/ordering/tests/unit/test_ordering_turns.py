"""Turns on the in-memory unit of work: each hand-off opens the table's turn (step, actor,
due time from the working-day calendar), the next action closes it; side entries (e-mails,
addenda) leave it open; the overdue hook's reminder and automatic cancellation."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.pages import PageParams
from ordering.application import negotiate, process_package, purchase_order, review, views
from ordering.application.notify_vendor import deliver_one
from ordering.application.overdue import on_overdue
from ordering.application.ports import MailPolicy
from ordering.domain.negotiation import PriceSet
from ordering.domain.states import PackageState as S

from .fakes import OFFICIAL, PPK, RULES, VENDOR, VENDOR_ID, WORK_UNIT, asking, principal

WIB = ZoneInfo("Asia/Jakarta")
PDF = Upload("sp.pdf", "application/pdf", b"%PDF-1.4 x", "0" * 64)
PROPOSAL = PriceSet({1: 9_000_000, 2: 3_000_000}, 500_000)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=WIB)


def open_turn(seeded):
    found = [t for t in seeded.world.store.turns if t.aggregate_id == seeded.id and t.is_open]
    assert len(found) <= 1
    return found[0] if found else None


def outbox(seeded, kind=None):
    rows = seeded.world.store.table("vendor_emails").values()
    return [e for e in rows if kind is None or e.kind == kind]


async def walk_to_ppk(seeded):
    uow = seeded.world.unit_of_work
    await process_package.process_package(uow, asking(OFFICIAL), seeded.id, RULES)
    await negotiate.propose_prices(uow, asking(OFFICIAL), seeded.id, PROPOSAL, None)
    await negotiate.accept_proposal(uow, asking(VENDOR), seeded.id, 1)
    await review.vendor_approve(uow, asking(VENDOR), seeded.id)
    await review.send_to_ppk(uow, asking(OFFICIAL), seeded.id)


class TestEachHandOffOpensTheTablesTurn:
    async def test_from_arrival_to_the_acknowledged_order(self, seeded):
        # Monday 5 January 2026, 16:00 WIB (FixedClock): 1 day -> end of Tuesday, 3 -> Thursday.
        tuesday, thursday = end_of(date(2026, 1, 6)), end_of(date(2026, 1, 8))
        vendor, uow, pid = str(VENDOR_ID), seeded.world.unit_of_work, seeded.id
        turn = open_turn(seeded)
        assert (turn.sop_step, turn.actor_role, turn.actor_id) == (
            "14",
            "procurement_official",
            "official-1",
        )
        assert turn.work_unit == WORK_UNIT and turn.due_at == tuesday
        counter = PriceSet({1: 9_500_000, 2: 3_000_000}, 500_000)
        who, official, thu, off = asking(VENDOR), asking(OFFICIAL), thursday, "official-1"
        issue, pdf = purchase_order.issue_purchase_order, {"order_date": None, "upload": PDF}
        steps = [
            (process_package.process_package(uow, official, pid, RULES), ("16", vendor, tuesday)),
            (negotiate.propose_prices(uow, official, pid, PROPOSAL, None), ("17", vendor, thu)),
            (negotiate.reject_proposal(uow, who, pid, 1, counter, "mahal"), ("17", off, thu)),
            (negotiate.accept_counter(uow, official, pid), ("18", vendor, thursday)),
            (review.vendor_approve(uow, who, pid), ("19", "official-1", tuesday)),
            (review.send_to_ppk(uow, official, pid), ("20", "ppk-1", thursday)),
            (review.ppk_approve(uow, asking(PPK), pid), ("21", "ppk-1", thursday)),
            (
                issue(uow, asking(PPK), pid, RULES, signatory="B", terms="T", **pdf),
                ("22", vendor, tuesday),
            ),
        ]  # fmt: skip
        roles = {vendor: "vendor", "official-1": "procurement_official", "ppk-1": "ppk"}
        for call, (step, actor_id, due) in steps:
            role = roles[actor_id]
            before = open_turn(seeded)
            outcome = await call
            turn = open_turn(seeded)
            assert (turn.sop_step, turn.actor_role, turn.actor_id, turn.due_at) == (
                step,
                role,
                actor_id,
                due,
            )
            assert turn.work_unit == WORK_UNIT
            closed = next(t for t in seeded.world.store.turns if t.id == before.id)
            assert closed.done_at == seeded.world.clock.now() and closed.done_action is not None
            # The answer shows the turn.
            shown = outcome.body["turn"]
            assert shown["sop_step"] == step and shown["actor_id"] == actor_id
            assert shown["due_at"] == due.astimezone(UTC).isoformat() and shown["overdue"] is False
        outcome = await purchase_order.acknowledge_order(uow, asking(VENDOR), pid)
        assert open_turn(seeded) is None and outcome.body["turn"] is None
        last = seeded.world.store.turns[-1]
        assert last.sop_step == "22" and last.done_by == "vendor-user"

    async def test_a_cancellation_ends_the_turn_and_opens_none(self, seeded):
        await process_package.process_package(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, RULES
        )
        await review.cancel_package(
            seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, "cancel", "tidak jadi"
        )
        assert open_turn(seeded) is None

    async def test_due_after_idul_fitri_and_its_cuti_bersama(self, seeded):
        # Thursday 19 March 2026: Fri 20 (cuti bersama), Sat 21 (Idul Fitri), Sun 22, Mon 23 and
        # Tue 24 (cuti bersama) are off: the PPK's 3 working days are 25, 26, 27 March.
        await walk_to_ppk_on(seeded, datetime(2026, 3, 19, 10, 0, tzinfo=WIB))
        turn = open_turn(seeded)
        assert turn.sop_step == "20" and turn.due_at == end_of(date(2026, 3, 27))


async def walk_to_ppk_on(seeded, moment):
    seeded.world.clock.set(moment.astimezone(UTC))
    await walk_to_ppk(seeded)


class TestSideEntriesLeaveTheTurnOpen:
    async def test_the_vendors_email_does_not_end_the_vendors_turn(self, seeded):
        world = seeded.world
        await process_package.process_package(
            world.unit_of_work, asking(OFFICIAL), seeded.id, RULES
        )
        turn = open_turn(seeded)

        class Mailer:
            async def send(self, mail):
                return "ok"

        while await deliver_one(world.unit_of_work, Mailer(), MailPolicy()):
            pass
        assert "vendor_email_sent" in [h.action for h in world.store.history]
        assert open_turn(seeded) == turn


class TestYourTurnEmails:
    async def test_one_email_per_hand_off_only_where_an_address_is_known(self, seeded):
        await walk_to_ppk(seeded)
        turn_mails = outbox(seeded, "your_turn")
        assert [(e.sop_step, e.recipient_role, e.recipient) for e in turn_mails] == [
            ("17", "vendor", "sales@sumber.example"),
            ("20", "ppk", None),  # competition's event carries no e-mail for the PPK
        ]
        assert "Usulan harga negosiasi" in turn_mails[0].subject
        assert "English:" in turn_mails[0].body

        class Mailer:
            sent: list = []

            async def send(self, mail):
                self.sent.append(mail)
                return "ok"

        mailer = Mailer()
        while await deliver_one(seeded.world.unit_of_work, mailer, MailPolicy()):
            pass
        assert sorted(m.recipient for m in mailer.sent) == ["sales@sumber.example"] * 2
        by_id = {e.message_id: e for e in outbox(seeded)}
        assert by_id[turn_mails[1].message_id].status == "failed"
        failed = [h for h in seeded.world.store.history if h.action == "notification_failed"]
        assert len(failed) == 1 and "no e-mail address is known for the ppk" in failed[0].reason


class TestOverdueHook:
    async def overdue(self, seeded, rules=RULES):
        world = seeded.world
        turn = open_turn(seeded)
        world.clock.set(turn.due_at + timedelta(seconds=1))
        async with world.unit_of_work(Caller.system()) as uow:
            uow.rules = rules
            await on_overdue(uow, turn)
        return turn

    async def test_the_ppks_review_not_done_cancels_the_package_as_a_rejection(self, seeded):
        await walk_to_ppk(seeded)
        seeded.world.store.events.clear()
        turn = await self.overdue(seeded)
        assert seeded.package.state == S.CANCELLED
        assert "SOP step 20" in seeded.package.cancel_reason
        entry = seeded.world.store.history[-1]
        assert (entry.action, entry.actor, entry.sop_step) == ("ppk_review_expired", None, "20b")
        closed = next(t for t in seeded.world.store.turns if t.id == turn.id)
        assert closed.done_by == "system" and closed.done_action == "ppk_review_expired"
        (event,) = seeded.world.store.events
        assert event.type == PackageCancelled.event_type
        assert event.data["purchase_request_id"] == str(seeded.package.procurement_id)
        (reminder,) = outbox(seeded, "overdue_reminder")
        assert reminder.recipient_role == "ppk" and reminder.recipient is None
        assert "dibatalkan otomatis" in reminder.body

    async def test_the_rule_switched_off_only_reminds(self, seeded):
        await walk_to_ppk(seeded)
        await self.overdue(seeded, replace(RULES, auto_cancel_ppk_review=False))
        assert seeded.package.state == S.AWAITING_PPK and open_turn(seeded) is not None
        assert len(outbox(seeded, "overdue_reminder")) == 1

    async def test_a_vendor_not_answering_is_reminded_not_cancelled_by_default(self, seeded):
        uow = seeded.world.unit_of_work
        await process_package.process_package(uow, asking(OFFICIAL), seeded.id, RULES)
        await negotiate.propose_prices(uow, asking(OFFICIAL), seeded.id, PROPOSAL, None)
        await self.overdue(seeded)
        assert seeded.package.state == S.NEGOTIATING
        (reminder,) = outbox(seeded, "overdue_reminder")
        assert reminder.recipient == "sales@sumber.example" and reminder.sop_step == "17"

    async def test_the_vendor_rule_when_switched_on(self, seeded):
        uow = seeded.world.unit_of_work
        await process_package.process_package(uow, asking(OFFICIAL), seeded.id, RULES)
        await negotiate.propose_prices(uow, asking(OFFICIAL), seeded.id, PROPOSAL, None)
        await self.overdue(seeded, replace(RULES, auto_cancel_vendor_answer=True))
        assert seeded.package.state == S.CANCELLED
        assert seeded.world.store.history[-1].action == "vendor_answer_expired"


class TestMyWorkAndOverdueFilters:
    async def test_lists_by_the_callers_turn_and_by_overdue(self, seeded):
        uow = seeded.world.unit_of_work
        page = PageParams(limit=10, cursor=None)

        async def ids(who, **kw):
            body = await views.list_visible_packages(uow, who, None, page, **kw)
            return [item["id"] for item in body["items"]]

        mine = str(seeded.id)
        assert await ids(principal(OFFICIAL), mine=True) == [mine]  # step 14 is the official's
        assert await ids(principal(OFFICIAL, sub="official-2"), mine=True) == []
        assert await ids(principal(VENDOR), mine=True) == []
        await process_package.process_package(uow, asking(OFFICIAL), seeded.id, RULES)
        assert await ids(principal(VENDOR), mine=True) == [mine]
        assert await ids(principal(OFFICIAL), mine=True) == []
        assert await ids(principal(VENDOR), overdue=True) == []
        assert await ids(principal(VENDOR), overdue=False) == [mine]
        seeded.world.clock.advance(days=10)
        assert await ids(principal(VENDOR), overdue=True, mine=True) == [mine]
        assert await ids(principal(VENDOR), overdue=False) == []
