"""Turns (issue 10): every hand-off opens the next actor's turn with the table's SOP step,
actor and due time (the real Indonesian working-day calendar); the next action closes it;
completion closes the last; the resource shows the open turn; "my work" and overdue lists."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from delivery_factories import NOW
from delivery_flow import Order
from fakes import World, asking, ppk_of, upload, vendor_of
from test_delivery_order_events import consume

from delivery.application import ppk_steps, queries, vendor_steps
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FULFILMENT, TURN_ON_TARGET
from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.kernel.unit_of_work import default_calendar
from epurchasing_shared.pages import PageParams
from epurchasing_shared.principal import Principal, Role

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR: WorkingCalendar = default_calendar()

# The table this service sets (README "Time standards"): action (and target chosen by the
# rules) -> (actor, SOP step, working days) of the turn it opens; None: no turn.
EXPECTED = {
    ("open_fulfilment", None): None,
    ("acknowledge_order", None): ("vendor", "23", 1),
    ("start_preparation", None): ("vendor", "25", 3),
    ("record_shipment", None): ("vendor", "25", 1),
    ("record_shipment", "delivered"): ("ppk", "26", 1),
    ("inspect_goods", None): ("ppk", "26", 1),
    ("hand_over_goods", None): ("ppk", "26", 1),
    ("record_payment", None): ("ppk", "26", 1),
    ("record_payment", "paid"): ("ppk", "27", 1),
    ("complete_package", None): None,
    ("follow_amendment", None): None,
    ("settle_by_addendum", None): ("ppk", "27", 1),
    # The e-mails' side entries (notifications.py): no turn.
    ("notification_sent", None): None,
    ("notification_failed", None): None,
    ("notification_unconfirmed", None): None,
}


def _standard(action: str, target: str | None):
    row = FULFILMENT[action]
    return TURN_ON_TARGET[(action, target)] if target else row.time_standard


@pytest.mark.parametrize(("action", "target"), list(EXPECTED))
def test_the_table_gives_each_hand_off_its_standard(action, target):
    found = _standard(action, target)
    expected = EXPECTED[(action, target)]
    if expected is None:
        assert found is None
    else:
        assert (found.actor, found.step, found.working_days) == expected


def test_every_row_is_in_the_expected_table():
    assert {a for a, _ in EXPECTED} == set(FULFILMENT.transitions)
    assert set(TURN_ON_TARGET) <= set(EXPECTED)


def shipment(status: str, at: datetime) -> vendor_steps.ShipmentInput:
    return vendor_steps.ShipmentInput(ShipmentStatus(status), "JNE", "T1", at, None, None)


def payment(amount: int) -> ppk_steps.PaymentInput:
    return ppk_steps.PaymentInput(amount, upload(), upload(), None)


def due(at: datetime, days: int) -> datetime:
    return CALENDAR.add_working_days(at, days)


class TestTheWholePath:
    async def test_each_hand_off_opens_the_next_turn_and_the_next_action_closes_it(self):
        world, order = World(), Order(total=1_000_000)
        pid = order.procurement_id
        await consume(world, order.issued())
        assert world.store.turns == []  # 22 is the vendor's turn in ordering, not here

        await consume(world, order.acknowledged())
        made = world.stored(pid)
        vendor, ppk = asking(vendor_of(made)), asking(ppk_of(made))
        expected_vendor = (str(made.vendor_id), "dinkes")
        [turn] = world.store.turns
        assert (turn.actor_role, turn.sop_step, turn.working_days) == ("vendor", "23", 1)
        assert (turn.actor_id, turn.work_unit) == expected_vendor
        assert (turn.started_at, turn.due_at) == (NOW, due(NOW, 1))

        steps = [
            (lambda: vendor_steps.start_preparation(world.factory, vendor, pid), "vendor", "25", 3),
            (
                lambda: vendor_steps.record_shipment(
                    world.factory, vendor, pid, shipment("shipped", world.clock.now())
                ),
                "vendor",
                "25",
                1,
            ),
            (
                lambda: vendor_steps.record_shipment(
                    world.factory, vendor, pid, shipment("delivered", world.clock.now())
                ),
                "ppk",
                "26",
                1,
            ),
            (
                lambda: ppk_steps.inspect_goods(world.factory, ppk, pid, upload(), None),
                "ppk",
                "26",
                1,
            ),
            (
                lambda: ppk_steps.hand_over_goods(world.factory, ppk, pid, upload(), None),
                "ppk",
                "26",
                1,
            ),
            (
                lambda: ppk_steps.record_payment(world.factory, ppk, pid, payment(400_000)),
                "ppk",
                "26",
                1,
            ),
            (
                lambda: ppk_steps.record_payment(world.factory, ppk, pid, payment(600_000)),
                "ppk",
                "27",
                1,
            ),
        ]
        for act, role, step, days in steps:
            world.clock.advance(hours=3)
            now = world.clock.now()
            outcome = await act()
            previous, turn = world.store.turns[-2], world.store.turns[-1]
            assert (previous.done_at, previous.done_by) == (now, made_by(world))
            assert turn.is_open and (turn.actor_role, turn.sop_step, turn.working_days) == (
                role,
                step,
                days,
            )
            holder = expected_vendor if role == "vendor" else ("ppk-1", "dinkes")
            assert (turn.actor_id, turn.work_unit) == holder
            assert (turn.started_at, turn.due_at) == (now, due(now, days))
            # The answer shows the turn just opened.
            shown = outcome.body["turn"]
            assert (shown["sop_step"], shown["actor_role"], shown["actor_id"]) == (
                step,
                role,
                holder[0],
            )
            assert datetime.fromisoformat(shown["due_at"]) == turn.due_at
            assert shown["overdue"] is False

        world.clock.advance(hours=1)
        completed = await ppk_steps.complete_package(world.factory, ppk, pid, WIB)
        assert completed.body["turn"] is None
        assert all(not t.is_open for t in world.store.turns)
        assert len(world.store.turns) == 8  # acknowledgement + 7 hand-offs
        assert world.store.turns[-1].done_action == "complete_package"

    async def test_the_get_shows_the_turn_overdue_once_past_due(self):
        world, order = World(), Order()
        await consume(world, order.issued(), order.acknowledged())
        made = world.stored(order.procurement_id)
        shown = await queries.get_fulfilment(world.factory, vendor_of(made), order.procurement_id)
        assert shown.turn is not None and shown.turn.overdue is False
        world.clock.set(shown.turn.due_at + timedelta(microseconds=1))
        shown = await queries.get_fulfilment(world.factory, vendor_of(made), order.procurement_id)
        assert shown.turn.overdue is True and shown.turn.sop_step == "23"


def made_by(world: World) -> str:
    """Who closed the last turn: the caller's user id (the history's actor)."""
    return world.store.history[-1].actor.id


class TestSideEntries:
    async def test_an_addendum_leaves_the_open_turn_alone(self):
        world, order = World(), Order(total=1_000_000)
        await consume(world, order.issued(), order.acknowledged())
        [before] = world.store.turns
        world.clock.advance(hours=1)
        await consume(world, order.amended(2, 1_100_000, at=NOW))
        assert world.store.history[-1].action == "follow_amendment"
        assert world.store.turns == [before] and before.is_open

    async def test_a_refused_action_opens_and_closes_nothing(self):
        world, order = World(), Order()
        await consume(world, order.issued(), order.acknowledged())
        made = world.stored(order.procurement_id)
        before = list(world.store.turns)
        with pytest.raises(Exception):  # noqa: B017 (any refusal: it is the turns we check)
            await ppk_steps.inspect_goods(
                world.factory, asking(ppk_of(made)), order.procurement_id, upload(), None
            )
        assert world.store.turns == before

    async def test_an_addendum_settling_the_account_hands_the_ppk_the_completion(self):
        world, order = World(), Order(total=900_000)
        await consume(world, order.issued(), order.acknowledged())
        made = world.stored(order.procurement_id)
        vendor, ppk, pid = asking(vendor_of(made)), asking(ppk_of(made)), order.procurement_id
        await vendor_steps.start_preparation(world.factory, vendor, pid)
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment("shipped", NOW))
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment("delivered", NOW))
        await ppk_steps.inspect_goods(world.factory, ppk, pid, upload(), None)
        world.clock.advance(minutes=10)
        await ppk_steps.hand_over_goods(world.factory, ppk, pid, upload(), None)
        await ppk_steps.record_payment(world.factory, ppk, pid, payment(850_000))
        world.clock.advance(hours=2)
        await consume(world, order.amended(2, 850_000, at=NOW))
        assert world.stored(pid).state == "paid"
        paying, completing = world.store.turns[-2], world.store.turns[-1]
        assert (paying.sop_step, paying.done_action) == ("26", "follow_amendment")
        assert completing.is_open and (completing.actor_id, completing.sop_step) == ("ppk-1", "27")


class TestTheCalendar:
    async def test_a_hand_off_before_idul_fitri_is_due_after_it_and_its_cuti_bersama(self):
        """Thursday 19 March 2026 (Nyepi) 10:00 WIB: 20 (cuti bersama), 21-22 (Idul Fitri,
        weekend), 23-24 (cuti bersama) are not working days; 1 day is Wednesday 25 March and
        3 days (preparation) Friday 27 March, both at the day's end in WIB."""
        thursday = datetime(2026, 3, 19, 10, 0, tzinfo=WIB)
        world, order = World(), Order()
        world.clock.set(thursday.astimezone(UTC))
        await consume(world, order.issued(), order.acknowledged())
        end_of = datetime(2026, 3, 25, 23, 59, 59, 999999, tzinfo=WIB)
        assert world.store.turns[-1].due_at == end_of
        made = world.stored(order.procurement_id)
        await vendor_steps.start_preparation(
            world.factory, asking(vendor_of(made)), made.procurement_id
        )
        assert world.store.turns[-1].due_at == datetime(2026, 3, 27, 23, 59, 59, 999999, tzinfo=WIB)


class TestMyWorkAndOverdueLists:
    async def _three(self, world: World) -> tuple[Order, Order, Order]:
        """One fulfilment in each actor's hands: the vendor's (23, due tomorrow), the PPK's
        (26), and one awaiting acknowledgement (no one's turn here)."""
        of_vendor, of_ppk, waiting = Order(), Order(), Order()
        await consume(world, of_vendor.issued(), of_vendor.acknowledged())
        await consume(world, of_ppk.issued(), of_ppk.acknowledged(), waiting.issued())
        made = world.stored(of_ppk.procurement_id)
        vendor, pid = asking(vendor_of(made)), of_ppk.procurement_id
        await vendor_steps.start_preparation(world.factory, vendor, pid)
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment("shipped", NOW))
        world.clock.advance(minutes=1)
        await vendor_steps.record_shipment(world.factory, vendor, pid, shipment("delivered", NOW))
        return of_vendor, of_ppk, waiting

    async def _ids(self, world, principal, **filters):
        page = await queries.list_fulfilments(
            world.factory, principal, PageParams(limit=50), None, **filters
        )
        return {item.procurement_id for item in page.items}, page

    async def test_my_work_is_the_callers_own_turns(self):
        world = World()
        of_vendor, of_ppk, waiting = await self._three(world)
        vendor = vendor_of(world.stored(of_vendor.procurement_id))
        ppk = ppk_of(world.stored(of_ppk.procurement_id))
        assert (await self._ids(world, vendor, mine=True))[0] == {of_vendor.procurement_id}
        assert (await self._ids(world, ppk, mine=True))[0] == {of_ppk.procurement_id}
        other_ppk = Principal(sub="ppk-2", role=Role.PPK, name="Ani", work_unit="dinkes")
        assert (await self._ids(world, other_ppk, mine=True))[0] == set()
        auditor = Principal(sub="aud-1", role=Role.AUDITOR, name="Rina")
        assert (await self._ids(world, auditor, mine=True))[0] == set()
        everything, page = await self._ids(world, auditor)
        assert everything == {o.procurement_id for o in (of_vendor, of_ppk, waiting)}
        turns = {item.procurement_id: item.turn for item in page.items}
        assert turns[waiting.procurement_id] is None
        assert turns[of_ppk.procurement_id].sop_step == "26"

    async def test_overdue_filters_by_the_open_turns_due_time(self):
        world = World()
        of_vendor, of_ppk, waiting = await self._three(world)
        auditor = Principal(sub="aud-1", role=Role.AUDITOR, name="Rina")
        assert (await self._ids(world, auditor, overdue=True))[0] == set()
        world.clock.set(due(NOW, 1) + timedelta(seconds=1))  # both 1-day turns are late
        late, page = await self._ids(world, auditor, overdue=True)
        assert late == {of_vendor.procurement_id, of_ppk.procurement_id}
        assert all(item.turn.overdue for item in page.items)
        assert (await self._ids(world, auditor, overdue=False))[0] == {waiting.procurement_id}
        ppk = ppk_of(world.stored(of_ppk.procurement_id))
        assert (await self._ids(world, ppk, overdue=True, mine=True))[0] == {of_ppk.procurement_id}
