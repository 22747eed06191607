"""The rating unit of work in memory: use cases run in unit tests with no broker or database.

Repositories keep and hand out COPIES of aggregates, so a change rolled back with its unit of
work never leaks into the store.
"""

from collections.abc import Callable
from copy import deepcopy
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import Caller, IdempotencyKey, default_calendar
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.unit_of_work import InMemoryUnitOfWork, MemoryStore
from rating.application.ports import After, RatingUnitOfWork
from rating.application.visibility import is_my_turn, may_see
from rating.domain.blacklist import BlacklistEntry
from rating.domain.rating import PENDING, CompletedPackage, Rating
from rating.domain.scorecard import VendorTally

# 09:00 in Jakarta (UTC+7) on Monday 2 March 2026.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")


def _after(key: tuple[datetime, UUID], after: After) -> bool:
    return after is None or key > after


class MemoryRatings:
    def __init__(self, rows: dict[UUID, Rating], turns: list[Turn]) -> None:
        self.rows, self.turns = rows, turns

    def _open_turn(self, rating_id: UUID) -> Turn | None:
        found = [t for t in self.turns if t.aggregate_id == rating_id and t.is_open]
        return found[0] if found else None

    async def open_if_new(self, rating: Rating) -> bool:
        if any(r.package.package_id == rating.package.package_id for r in self.rows.values()):
            return False
        self.rows[rating.id] = deepcopy(rating)
        return True

    async def get(self, rating_id: UUID, *, for_update: bool = False) -> Rating | None:
        return deepcopy(self.rows.get(rating_id))

    async def get_with_turn(self, rating_id: UUID) -> tuple[Rating, Turn | None] | None:
        rating = await self.get(rating_id)
        return (rating, self._open_turn(rating_id)) if rating is not None else None

    async def for_procurement(self, procurement_id: UUID, ppk_id: str) -> Rating | None:
        found = [
            r
            for r in self.rows.values()
            if r.package.procurement_id == procurement_id and r.package.ppk_id == ppk_id
        ]
        found.sort(key=lambda r: (r.state == PENDING, r.opened_at), reverse=True)
        return deepcopy(found[0]) if found else None

    async def save(self, rating: Rating) -> None:
        self.rows[rating.id] = deepcopy(rating)

    async def page(
        self,
        viewer: Principal,
        *,
        vendor_id: UUID | None,
        procurement_id: UUID | None,
        state: str | None,
        overdue: bool | None,
        mine: bool,
        now: datetime,
        limit: int,
        after: After,
    ) -> list[tuple[Rating, Turn | None]]:
        with_turns = ((r, self._open_turn(r.id)) for r in self.rows.values())
        found = sorted(
            (
                (r, t)
                for r, t in with_turns
                if may_see(r, viewer)
                and vendor_id in (None, r.package.vendor_id)
                and procurement_id in (None, r.package.procurement_id)
                and state in (None, r.state)
                and overdue in (None, t is not None and t.overdue(now))
                and (not mine or is_my_turn(t, viewer))
                and _after((r.opened_at, r.id), after)
            ),
            key=lambda found: (found[0].opened_at, found[0].id),
        )
        return deepcopy(found[:limit])


class MemoryVendorReviews:
    def __init__(self, rows: dict[UUID, bool]) -> None:
        self.rows = rows

    async def lock_was_below(self, vendor_id: UUID, at: datetime) -> bool:
        return self.rows.setdefault(vendor_id, False)

    async def set_below(self, vendor_id: UUID, below: bool, at: datetime) -> None:
        self.rows[vendor_id] = below


class MemoryScorecards:
    """The running sums in memory, on the same domain arithmetic as the SQL side."""

    def __init__(self, rows: dict[UUID, VendorTally], ppks: dict[tuple[UUID, str], bool]):
        self.rows, self.ppks = rows, ppks

    async def get(self, vendor_id: UUID) -> VendorTally | None:
        return self.rows.get(vendor_id)

    async def count_package(self, package: CompletedPackage, at: datetime) -> None:
        tally = self.rows.get(package.vendor_id, VendorTally())
        self.rows[package.vendor_id] = tally.with_package(
            package.vendor_name, package.completed_at, package.on_time
        )

    async def lock(self, vendor_id: UUID, at: datetime) -> VendorTally:
        return self.rows.setdefault(vendor_id, VendorTally())

    async def first_rating_by(self, vendor_id: UUID, ppk_id: str) -> bool:
        if (vendor_id, ppk_id) in self.ppks:
            return False
        self.ppks[(vendor_id, ppk_id)] = True
        return True

    async def save_ratings(self, vendor_id: UUID, tally: VendorTally, at: datetime) -> None:
        current = self.rows.get(vendor_id, VendorTally())
        self.rows[vendor_id] = replace(
            tally,
            vendor_name=current.vendor_name,
            vendor_name_at=current.vendor_name_at,
            package_count=current.package_count,
            on_time_package_count=current.on_time_package_count,
        )


class MemoryBlacklist:
    def __init__(self, rows: dict[UUID, BlacklistEntry]) -> None:
        self.rows = rows

    async def add(self, entry: BlacklistEntry) -> None:
        self.rows[entry.id] = deepcopy(entry)

    async def get(self, entry_id: UUID, *, for_update: bool = False) -> BlacklistEntry | None:
        return deepcopy(self.rows.get(entry_id))

    async def save(self, entry: BlacklistEntry) -> None:
        self.rows[entry.id] = deepcopy(entry)

    async def page(
        self,
        *,
        today: date,
        active: bool | None,
        vendor_id: UUID | None,
        limit: int,
        after: After,
    ) -> list[BlacklistEntry]:
        found = sorted(
            (
                e
                for e in self.rows.values()
                if active in (None, e.is_active_on(today))
                and vendor_id in (None, e.vendor_id)
                and _after((e.recorded_at, e.id), after)
            ),
            key=lambda e: (e.recorded_at, e.id),
        )
        return deepcopy(found[:limit])


class FakeRatingUnitOfWork(InMemoryUnitOfWork, RatingUnitOfWork):
    def _open(self) -> None:
        self.ratings = MemoryRatings(self.store.table("ratings"), self.store.turns)
        self.reviews = MemoryVendorReviews(self.store.table("vendor_reviews"))
        self.scorecards = MemoryScorecards(
            self.store.table("vendor_scorecards"), self.store.table("vendor_rating_ppks")
        )
        self.blacklist = MemoryBlacklist(self.store.table("blacklist_entries"))


def unit_of_work(store: MemoryStore, clock: FixedClock) -> Callable[[Caller], FakeRatingUnitOfWork]:
    def make(caller: Caller) -> FakeRatingUnitOfWork:
        return FakeRatingUnitOfWork(store, service="rating", clock=clock, caller=caller)

    return make


# --- who calls, and what is already there --------------------------------------------------


def ppk(sub: str = "ppk-1", work_unit: str = "dinkes") -> Principal:
    return Principal(sub=sub, role=Role.PPK, name=f"PPK {sub}", work_unit=work_unit)


def vendor(vendor_id: UUID) -> Principal:
    return Principal(
        sub=f"vendor-{vendor_id.hex[:6]}", role=Role.VENDOR, name="V", vendor_id=vendor_id
    )


def admin(sub: str = "admin-1") -> Principal:
    return Principal(sub=sub, role=Role.ADMIN, name="Admin")


def auditor() -> Principal:
    return Principal(sub="auditor-1", role=Role.AUDITOR, name="Auditor")


def asking(
    principal: Principal, if_match: int | None = None, key: str | None = None, path: str = "/x"
) -> ActionRequest:
    idempotency = IdempotencyKey(key, f"POST {path}") if key else None
    return ActionRequest(Caller(principal, "request-1"), if_match, idempotency)


def package(
    vendor_id: UUID, ppk_id: str = "ppk-1", on_time: bool = True, **changes: Any
) -> CompletedPackage:
    fields: dict[str, Any] = {
        "procurement_id": uuid4(),
        "package_id": uuid4(),
        "order_id": uuid4(),
        "order_number": "SP-1",
        "vendor_id": vendor_id,
        "vendor_name": "CV Sumber Makmur",
        "ppk_id": ppk_id,
        "ppk_name": f"PPK {ppk_id}",
        "work_unit": "dinkes",
        "on_time": on_time,
        "completed_at": datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
    }
    return CompletedPackage(**(fields | changes))


def seed_rating(store: MemoryStore, completed: CompletedPackage, at: datetime = START) -> Rating:
    """A pending rating with its PPK's open turn, counted in its vendor's scorecard sums, as
    the consumer would leave it."""
    rating, change = Rating.open(uuid4(), completed, at)
    store.table("ratings")[rating.id] = deepcopy(rating)
    standard = change.time_standard
    assert standard is not None
    store.turns.append(  # the PPK's turn, as the consumer's history entry opens it
        Turn(
            id=uuid4(),
            aggregate="rating",
            aggregate_id=rating.id,
            procurement_id=completed.procurement_id,
            sop_step=standard.step or change.sop_step,
            actor_role=standard.actor,
            actor_id=completed.ppk_id,
            work_unit=completed.work_unit,
            working_days=standard.working_days,
            started_at=at,
            due_at=default_calendar().add_working_days(at, standard.working_days),
            opened_by_action=change.action,
        )
    )
    tallies = store.table("vendor_scorecards")
    tally = tallies.get(completed.vendor_id, VendorTally())
    tallies[completed.vendor_id] = tally.with_package(
        completed.vendor_name, completed.completed_at, completed.on_time
    )
    return rating


def close_turn(store: MemoryStore, rating_id: UUID, at: datetime, by: str = "ppk-1") -> None:
    """End the rating's open turn, as rating it through the use case would."""
    for index, turn in enumerate(store.turns):
        if turn.aggregate_id == rating_id and turn.is_open:
            store.turns[index] = replace(turn, done_at=at, done_by=by, done_action="rate")


def seed_entry(
    store: MemoryStore, starts_on: date, ends_on: date | None = None, vendor_id: UUID | None = None
) -> BlacklistEntry:
    entry = BlacklistEntry(
        id=uuid4(),
        vendor_id=vendor_id or uuid4(),
        vendor_name="PT Curang",
        reason="Pemalsuan dokumen",
        decree_reference="SK 027/2026",
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_at=START,
        recorded_by="admin-1",
    )
    store.table("blacklist_entries")[entry.id] = deepcopy(entry)
    return entry


def snapshot(store: MemoryStore) -> tuple[Any, ...]:
    """What a refused use case must leave exactly as it was (tables a unit of work merely
    opened, still empty, do not count)."""
    return (
        deepcopy({name: rows for name, rows in store.tables.items() if rows}),
        list(store.events),
        list(store.history),
        dict(store.responses),
        list(store.turns),
    )
