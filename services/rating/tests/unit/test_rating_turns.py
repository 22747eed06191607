"""Step 27's time standard: a completed package opens its PPK's turn to rate (one working day,
the SOP's *Waktu* "1 hari"), rating closes it, the vendor's reply opens none; the rating shows
its turn and ``GET /ratings`` filters on ``overdue`` and ``turn=mine``. In memory, on the real
Indonesian calendar."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4
from zoneinfo import ZoneInfo

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, make_event
from epurchasing_shared.kernel.errors import StaleVersion
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.pages import PageParams, decode_cursor
from epurchasing_shared.principal import Principal, Role
from rating.application.open_rating import open_rating_for_completed_package
from rating.application.queries import get_rating, list_ratings
from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.application.reply import reply_to_rating
from rating.application.visibility import is_my_turn
from rating.domain.rating import RATING_MACHINE
from rating.domain.scorecard import ReviewPolicy
from rating.settings import RatingSettings

from .fakes import (
    START,
    admin,
    asking,
    auditor,
    package,
    ppk,
    seed_rating,
    snapshot,
    unit_of_work,
    vendor,
)

WIB = ZoneInfo("Asia/Jakarta")
SCHEME = RatingSettings().rating_scheme()
POLICY = ReviewPolicy(threshold=Decimal("2.00"), minimum_ratings=3)
SCORES = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}
# Monday 2 March 2026, 09:00 WIB: one working day is due at the end of Tuesday 3 March.
DUE_AFTER_START = datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=WIB)


def completion(vendor_id, ppk_id="ppk-1", work_unit="dinkes"):
    procurement_id = uuid4()
    payload = PackageCompleted(
        package_id=uuid4(),
        order_id=uuid4(),
        order_number="SP-27",
        vendor=VendorRef(id=vendor_id, name="CV Sumber Makmur"),
        ppk=Party(id=ppk_id, name="Budi"),
        work_unit=work_unit,
        order_total=12_500_000,
        promised_delivery_date=date(2026, 2, 20),
        actual_delivery_date=date(2026, 2, 19),
        on_time=True,
        completed_at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
    )
    event = make_event(
        service="delivery",
        payload=payload,
        procurement_id=procurement_id,
        time=START,
        actor=Actor(id=ppk_id, role="ppk"),
        sop_step="27",
    )
    return event, payload


async def complete(store, clock, vendor_id, **who):
    event, payload = completion(vendor_id, **who)
    async with unit_of_work(store, clock)(Caller.system(str(event.id))) as uow:
        assert await open_rating_for_completed_package(uow, event, payload)
    ratings = store.table("ratings").values()
    [rating] = [r for r in ratings if r.package.package_id == payload.package_id]
    return rating


async def rate(store, clock, who, rating, if_match=None):
    command = RateVendor(rating.package.procurement_id, dict(SCORES), "rapi")
    request = asking(who, if_match=if_match)
    return await rate_vendor(unit_of_work(store, clock), request, command, SCHEME, POLICY)


class TestTheTable:
    def test_only_opening_hands_over_a_turn(self):
        standard = RATING_MACHINE["open_rating"].time_standard
        assert standard is not None
        assert (standard.working_days, standard.actor, standard.step) == (1, "ppk", "27")
        assert RATING_MACHINE["rate"].time_standard is None  # step 27 done: the turn closes
        assert RATING_MACHINE["reply"].time_standard is None  # optional: no vendor turn


class TestTheTurnOfStep27:
    async def test_a_completed_package_opens_its_ppks_turn_due_in_one_working_day(
        self, store, clock
    ):
        rating = await complete(store, clock, uuid4(), ppk_id="ppk-budi", work_unit="dinkes")
        [turn] = store.turns
        assert (turn.aggregate, turn.aggregate_id, turn.procurement_id) == (
            "rating",
            rating.id,
            rating.package.procurement_id,
        )
        assert (turn.sop_step, turn.actor_role, turn.actor_id, turn.work_unit) == (
            "27",
            "ppk",
            "ppk-budi",
            "dinkes",
        )
        assert (turn.working_days, turn.started_at, turn.due_at) == (1, START, DUE_AFTER_START)
        assert (turn.is_open, turn.opened_by_action) == (True, "open_rating")

    async def test_a_redelivered_completion_opens_no_second_turn(self, store, clock):
        event, payload = completion(uuid4())
        for _ in range(2):
            async with unit_of_work(store, clock)(Caller.system(str(event.id))) as uow:
                await open_rating_for_completed_package(uow, event, payload)
        assert len(store.turns) == 1

    async def test_handed_over_on_nyepi_before_idul_fitri_it_is_due_after_the_cuti_bersama(
        self, store, clock
    ):
        """Thursday 19 March 2026 (Nyepi) → Friday 20 (cuti bersama), the weekend of Idul
        Fitri (21–22), Monday 23 and Tuesday 24 (cuti bersama): the one working day is
        Wednesday 25 March."""
        clock.set(datetime(2026, 3, 19, 10, 0, tzinfo=WIB))
        await complete(store, clock, uuid4())
        [turn] = store.turns
        assert turn.due_at == datetime(2026, 3, 25, 23, 59, 59, 999999, tzinfo=WIB)
        clock.set(datetime(2026, 3, 25, 16, 0, tzinfo=WIB))
        assert not turn.overdue(clock.now())
        clock.set(datetime(2026, 3, 26, 0, 0, tzinfo=WIB))
        assert turn.overdue(clock.now())

    async def test_handed_over_on_friday_it_is_due_on_monday(self, store, clock):
        clock.set(datetime(2026, 3, 6, 16, 55, tzinfo=WIB))  # Friday
        await complete(store, clock, uuid4())
        [turn] = store.turns
        assert turn.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=WIB)

    async def test_rating_closes_the_turn_and_opens_none(self, store, clock):
        rating = await complete(store, clock, uuid4())
        clock.set(START + timedelta(hours=3))
        outcome = await rate(store, clock, ppk(), rating)
        assert outcome.body["turn"] is None
        [turn] = store.turns
        assert (turn.done_at, turn.done_by, turn.done_action) == (
            START + timedelta(hours=3),
            "ppk-1",
            "rate",
        )
        assert not turn.overdue(clock.now())

    async def test_a_rating_after_the_due_time_closes_a_late_turn(self, store, clock):
        rating = await complete(store, clock, uuid4())
        clock.set(datetime(2026, 3, 5, 9, 0, tzinfo=WIB))  # Thursday: two days late
        await rate(store, clock, ppk(), rating)
        [turn] = store.turns
        assert not turn.is_open and turn.overdue(clock.now())

    async def test_a_refused_rating_leaves_the_turn_open(self, store, clock):
        rating = await complete(store, clock, uuid4())
        before = snapshot(store)
        try:
            await rate(store, clock, ppk(), rating, if_match=7)
        except StaleVersion:
            pass
        else:  # pragma: no cover
            raise AssertionError("a stale If-Match must be refused")
        assert snapshot(store) == before
        assert store.turns[0].is_open

    async def test_the_vendors_reply_opens_no_turn(self, store, clock):
        vendor_id = uuid4()
        rating = await complete(store, clock, vendor_id)
        await rate(store, clock, ppk(), rating)
        outcome = await reply_to_rating(
            unit_of_work(store, clock), asking(vendor(vendor_id)), rating.id, "Terima kasih"
        )
        assert outcome.body["turn"] is None
        assert [t.is_open for t in store.turns] == [False]


class TestTheRatingShowsItsTurn:
    async def test_get_shows_whose_turn_due_when_and_overdue(self, store, clock):
        rating = await complete(store, clock, uuid4(), ppk_id="ppk-1", work_unit="dinkes")
        shown = await get_rating(unit_of_work(store, clock), ppk(), rating.id)
        assert shown.turn is not None
        assert shown.turn.model_dump(mode="json") == {
            "sop_step": "27",
            "actor_role": "ppk",
            "actor_id": "ppk-1",
            "work_unit": "dinkes",
            "started_at": START.isoformat().replace("+00:00", "Z"),
            "due_at": "2026-03-03T16:59:59.999999Z",  # the end of Tuesday, WIB, in UTC
            "overdue": False,
        }
        clock.set(DUE_AFTER_START + timedelta(microseconds=1))
        late = await get_rating(unit_of_work(store, clock), auditor(), rating.id)
        assert late.turn is not None and late.turn.overdue is True

    async def test_a_rated_rating_shows_no_turn(self, store, clock):
        rating = await complete(store, clock, uuid4())
        await rate(store, clock, ppk(), rating)
        shown = await get_rating(unit_of_work(store, clock), ppk("ppk-9"), rating.id)
        assert shown.turn is None


class TestMyWorkAndOverdue:
    async def seed(self, store, clock):
        """ppk-1: one pending opened Monday (overdue by Thursday), one opened Thursday, one
        rated; ppk-2 (same work unit): one pending, opened Monday."""
        vendor_id = uuid4()
        old = seed_rating(store, package(vendor_id, "ppk-1"), START)
        other = seed_rating(store, package(vendor_id, "ppk-2"), START + timedelta(minutes=1))
        thursday = datetime(2026, 3, 5, 9, 0, tzinfo=WIB)
        new = seed_rating(store, package(vendor_id, "ppk-1"), thursday)
        done = await complete(store, clock, vendor_id)
        await rate(store, clock, ppk(), done)
        clock.set(thursday + timedelta(hours=1))
        return old, other, new, done

    async def listed(self, store, clock, who, limit=50, cursor=None, **filters):
        page = await list_ratings(
            unit_of_work(store, clock),
            who,
            vendor_id=None,
            state=None,
            page=PageParams(limit=limit, cursor=decode_cursor(cursor) if cursor else None),
            **filters,
        )
        return page

    async def test_turn_mine_is_a_ppks_pending_ratings(self, store, clock):
        old, other, new, done = await self.seed(store, clock)
        mine = await self.listed(store, clock, ppk("ppk-1"), turn="mine")
        assert [r.id for r in mine.items] == [old.id, new.id]
        assert all(r.turn and r.turn.actor_id == "ppk-1" for r in mine.items)
        theirs = await self.listed(store, clock, ppk("ppk-2"), turn="mine")
        assert [r.id for r in theirs.items] == [other.id]
        # Without the filter the PPK also sees rated ratings, with no turn.
        everything = await self.listed(store, clock, ppk("ppk-1"))
        by_id = {r.id: r for r in everything.items}
        assert by_id[done.id].turn is None and by_id[old.id].turn is not None
        assert other.id not in by_id  # another PPK's pending rating stays hidden

    async def test_no_one_else_has_rating_turns(self, store, clock):
        old, *_ = await self.seed(store, clock)
        for who in (vendor(old.package.vendor_id), auditor(), admin()):
            assert (await self.listed(store, clock, who, turn="mine")).items == []

    async def test_overdue_filters_on_the_open_turn(self, store, clock):
        old, other, new, done = await self.seed(store, clock)
        late = await self.listed(store, clock, auditor(), overdue=True)
        assert [r.id for r in late.items] == [old.id, other.id]
        assert all(r.turn and r.turn.overdue for r in late.items)
        not_late = await self.listed(store, clock, auditor(), overdue=False)
        assert {r.id for r in not_late.items} == {new.id, done.id}
        mine_late = await self.listed(store, clock, ppk("ppk-1"), turn="mine", overdue=True)
        assert [r.id for r in mine_late.items] == [old.id]

    async def test_my_work_pages_with_the_cursor(self, store, clock):
        old, _, new, _ = await self.seed(store, clock)
        first = await self.listed(store, clock, ppk("ppk-1"), limit=1, turn="mine")
        assert [r.id for r in first.items] == [old.id] and first.next_cursor
        second = await self.listed(
            store, clock, ppk("ppk-1"), limit=1, cursor=first.next_cursor, turn="mine"
        )
        assert [r.id for r in second.items] == [new.id] and second.next_cursor is None


class TestIsMyTurn:
    def test_named_to_the_user_or_unnamed_in_its_work_unit(self, store):
        rating = seed_rating(store, package(uuid4(), "ppk-1"))
        [turn] = store.turns
        assert is_my_turn(turn, ppk("ppk-1"))
        assert not is_my_turn(turn, ppk("ppk-2"))
        unnamed = replace(turn, actor_id=None)
        assert is_my_turn(unnamed, ppk("ppk-2", work_unit="dinkes"))
        assert not is_my_turn(unnamed, ppk("ppk-2", work_unit="dispora"))
        official = Principal(
            sub="ppk-1", role=Role.PROCUREMENT_OFFICIAL, name="P", work_unit="dinkes"
        )
        assert not is_my_turn(turn, official)  # another role's turn
        assert not is_my_turn(replace(turn, done_at=START), ppk("ppk-1"))  # done
        assert not is_my_turn(None, ppk("ppk-1"))
        assert rating.package.ppk_id == "ppk-1"

    def test_a_vendors_turn_is_named_by_its_vendor_id(self, store):
        seed_rating(store, package(uuid4()))
        vendor_id = uuid4()
        turn = replace(store.turns[0], actor_role="vendor", actor_id=str(vendor_id))
        assert is_my_turn(turn, vendor(vendor_id))
        assert not is_my_turn(turn, vendor(uuid4()))
