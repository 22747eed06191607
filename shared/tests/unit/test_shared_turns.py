"""Turns in the kernel and the in-memory unit of work: opened by a change that carries a time
standard, due by the working-day calendar, closed by the aggregate's next change."""

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.kernel.states import (
    SYSTEM,
    StateMachine,
    TimeStandard,
    Turn,
    transition,
    with_time_standard,
)
from epurchasing_shared.kernel.unit_of_work import Caller, turn_view
from epurchasing_shared.overdue import step_overdue
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.unit_of_work import InMemoryUnitOfWork, MemoryStore

WIB = ZoneInfo("Asia/Jakarta")
REVIEW = TimeStandard(working_days=3, actor="ppk", step="20")
MACHINE = StateMachine(
    "package",
    [
        transition("create", (), "draft", "14", SYSTEM, time_standard=TimeStandard(1, "vendor")),
        transition(
            "send_to_ppk", {"draft"}, "with_ppk", "19", "procurement_official", time_standard=REVIEW
        ),
        transition("approve", {"with_ppk"}, "approved", "20", "ppk"),
        transition("note", {"with_ppk"}, None, "20", "ppk"),
    ],
)
OFFICIAL = Caller(Principal("pp-sari", Role.PROCUREMENT_OFFICIAL, "Sari", work_unit="dinkes"))
PPK = Caller(Principal("ppk-budi", Role.PPK, "Budi", work_unit="dinkes"))


def uow(store: MemoryStore, clock: FixedClock, caller: Caller, **kwargs) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, service="ordering", clock=clock, caller=caller, **kwargs)


class TestTimeStandardOnTheChange:
    def test_change_carries_the_rows_time_standard(self):
        assert (
            MACHINE.change("send_to_ppk", "draft", "procurement_official").time_standard == REVIEW
        )
        assert MACHINE.change("approve", "with_ppk", "ppk").time_standard is None

    def test_initial_change_of_a_creating_row(self):
        change = MACHINE.initial("create", "draft")
        assert (change.from_state, change.to_state, change.sop_step) == (None, "draft", "14")
        assert change.time_standard == TimeStandard(1, "vendor")

    def test_hand_built_change_gets_a_standard(self):
        change = with_time_standard(MACHINE.change("approve", "with_ppk"), REVIEW)
        assert change.time_standard is REVIEW

    def test_a_turn_lasts_at_least_a_day(self):
        with pytest.raises(ValueError):
            TimeStandard(0, "ppk")


class TestTurnsInTheInMemoryUnitOfWork:
    async def test_hand_over_opens_a_turn_due_by_the_real_calendar_skipping_weekend_and_cuti(self):
        # Friday 13 Feb 2026, 15:00 WIB: Sat, Sun, Mon 16 (cuti bersama Imlek), Tue 17 (Imlek)
        # are days off; three working days are Wed 18, Thu 19, Fri 20.
        clock, store = FixedClock(datetime(2026, 2, 13, 15, tzinfo=WIB)), MemoryStore()
        package, procurement = uuid4(), uuid4()
        async with uow(store, clock, OFFICIAL) as work:
            opened = await work.history(
                MACHINE.change("send_to_ppk", "draft", "procurement_official"),
                procurement_id=procurement,
                aggregate="package",
                aggregate_id=package,
                actor_id="ppk-budi",
                work_unit="dinkes",
            )
        assert opened is not None
        assert opened.due_at == datetime(2026, 2, 20, 23, 59, 59, 999999, tzinfo=WIB)
        assert (opened.sop_step, opened.actor_role, opened.actor_id) == ("20", "ppk", "ppk-budi")
        assert (opened.work_unit, opened.working_days, opened.done_at) == ("dinkes", 3, None)
        async with uow(store, clock, OFFICIAL) as work:
            assert await work.open_turn(package) == opened
            assert await work.turns_of(procurement) == [opened]

    async def test_one_day_over_a_weekend_and_cuti_bersama(self):
        calendar = WorkingCalendar()
        friday = datetime(2026, 2, 13, 16, 55, tzinfo=WIB)
        assert calendar.add_working_days(friday, 1) == datetime(
            2026, 2, 18, 23, 59, 59, 999999, tzinfo=WIB
        )

    async def test_next_change_closes_the_turn_and_the_standard_opens_the_next(self):
        clock, store = FixedClock(datetime(2026, 3, 2, 9, tzinfo=WIB)), MemoryStore()
        package, procurement = uuid4(), uuid4()
        async with uow(store, clock, Caller.system()) as work:
            await work.history(
                MACHINE.initial("create", "draft"),
                procurement_id=procurement,
                aggregate="package",
                aggregate_id=package,
                actor_id="vendor-1",
            )
        clock.advance(hours=5)
        async with uow(store, clock, OFFICIAL) as work:
            await work.history(
                MACHINE.change("send_to_ppk", "draft", "procurement_official"),
                procurement_id=procurement,
                aggregate="package",
                aggregate_id=package,
            )
        first, second = store.turns
        assert first.done_at == clock.now() and first.done_by == "pp-sari"
        assert first.done_action == "send_to_ppk" and first.sop_step == "14"
        assert second.is_open and second.sop_step == "20" and second.started_at == clock.now()
        clock.advance(days=10)
        async with uow(store, clock, PPK) as work:
            assert (
                await work.history(
                    MACHINE.change("approve", "with_ppk", "ppk"),
                    procurement_id=procurement,
                    aggregate="package",
                    aggregate_id=package,
                )
                is None
            )
            assert await work.open_turn(package) is None
        done = store.turns[1]
        assert done.done_at == clock.now() and done.overdue(clock.now())
        assert done.late_by() > timedelta(days=5)

    async def test_a_side_entry_can_leave_the_turn_open(self):
        clock, store = FixedClock(datetime(2026, 3, 2, 9, tzinfo=WIB)), MemoryStore()
        package = uuid4()
        common = dict(procurement_id=uuid4(), aggregate="package", aggregate_id=package)
        async with uow(store, clock, OFFICIAL) as work:
            await work.history(MACHINE.change("send_to_ppk", "draft"), **common)
            await work.history(MACHINE.change("note", "with_ppk"), close_turn=False, **common)
            assert (await work.open_turn(package)) is not None
        async with uow(store, clock, OFFICIAL) as work:
            await work.history(MACHINE.change("note", "with_ppk"), **common)
            assert (await work.open_turn(package)) is None

    async def test_fast_calendar_due_in_n_times_the_fast_day(self):
        clock, store = FixedClock(datetime(2026, 2, 14, 12, tzinfo=WIB)), MemoryStore()
        fast = WorkingCalendar(seconds_per_working_day=10)
        async with uow(store, clock, OFFICIAL, calendar=fast) as work:
            opened = await work.history(
                MACHINE.change("send_to_ppk", "draft"),
                procurement_id=uuid4(),
                aggregate="package",
                aggregate_id=uuid4(),
            )
        assert opened is not None and opened.due_at == clock.now() + timedelta(seconds=30)

    async def test_rollback_forgets_the_turns(self):
        clock, store = FixedClock(datetime(2026, 3, 2, 9, tzinfo=WIB)), MemoryStore()
        with pytest.raises(RuntimeError):
            async with uow(store, clock, OFFICIAL) as work:
                await work.history(
                    MACHINE.change("send_to_ppk", "draft"),
                    procurement_id=uuid4(),
                    aggregate="package",
                    aggregate_id=uuid4(),
                )
                raise RuntimeError("refused later in the use case")
        assert store.turns == [] and store.history == []


def a_turn(**changes) -> Turn:
    started = datetime(2026, 3, 2, 9, tzinfo=WIB)
    values = dict(
        aggregate="package",
        aggregate_id=uuid4(),
        procurement_id=uuid4(),
        sop_step="20",
        actor_role="ppk",
        started_at=started,
        due_at=datetime(2026, 3, 5, 23, 59, 59, 999999, tzinfo=WIB),
        working_days=3,
        actor_id="ppk-budi",
        work_unit="dinkes",
    )
    return Turn(**(values | changes))


class TestTurnValue:
    def test_open_turn_is_overdue_after_its_due_time_only(self):
        turn = a_turn()
        assert not turn.overdue(turn.due_at)
        assert turn.overdue(turn.due_at + timedelta(microseconds=1))
        assert turn.late_by(turn.due_at + timedelta(hours=2)) == timedelta(hours=2)
        assert turn.late_by(turn.started_at) == timedelta(0)

    def test_a_done_turn_is_judged_by_its_done_time(self):
        turn = a_turn(done_at=datetime(2026, 3, 6, 8, tzinfo=WIB))
        assert turn.overdue(datetime(2026, 3, 1, tzinfo=WIB))  # whatever "now" is
        assert turn.late_by() == timedelta(hours=8, microseconds=1)

    def test_turn_view_shows_whose_turn_and_overdue(self):
        turn = a_turn()
        view = turn_view(turn, turn.due_at + timedelta(seconds=1))
        assert view is not None
        assert (view["actor_role"], view["sop_step"], view["overdue"]) == ("ppk", "20", True)
        assert turn_view(None, turn.due_at) is None

    def test_step_overdue_event_of_the_service(self):
        turn = a_turn()
        detected = datetime(2026, 3, 9, 10, tzinfo=WIB)  # Monday after a Thursday due date
        payload = step_overdue("ordering", turn, detected, WorkingCalendar())
        assert type(payload).event_type == "ordering.step_overdue.v1"
        assert payload.late_working_days == 2  # Friday 6 and Monday 9
        assert payload.late_seconds == int((detected - turn.due_at).total_seconds())
        assert (payload.actor_role, payload.actor_id, payload.work_unit) == (
            "ppk",
            "ppk-budi",
            "dinkes",
        )


def test_history_actor_defaults_to_the_caller():
    # the history entry keeps the caller, the turn its own actor id
    store, clock = MemoryStore(), FixedClock()

    async def go() -> None:
        async with uow(store, clock, OFFICIAL) as work:
            await work.history(
                MACHINE.change("send_to_ppk", "draft"),
                procurement_id=uuid4(),
                aggregate="package",
                aggregate_id=uuid4(),
                actor_id="ppk-budi",
            )

    import asyncio

    asyncio.run(go())
    assert store.history[0].actor == Actor(id="pp-sari", role="procurement_official")
    assert store.turns[0].actor_id == "ppk-budi"
