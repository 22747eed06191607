"""Reading ratings and blacklist entries, filtered to what the caller may see."""

from datetime import tzinfo
from typing import Literal
from uuid import UUID

from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.pages import PageParams
from epurchasing_shared.principal import Principal
from rating.application.blacklist import today
from rating.application.paging import cursor_after, next_cursor
from rating.application.ports import UnitOfWorkFactory
from rating.application.views import BlacklistEntryOut, BlacklistPage, RatingOut, RatingPage
from rating.application.visibility import may_see

State = Literal["pending", "rated", "replied"]
# ``turn=mine``: the caller's own work (the open turns named to it).
TurnScope = Literal["mine"]


async def get_rating(
    unit_of_work: UnitOfWorkFactory, principal: Principal, rating_id: UUID
) -> RatingOut:
    async with unit_of_work(Caller(principal)) as uow:
        found, now = await uow.ratings.get_with_turn(rating_id), uow.now()
        if found is None or not may_see(found[0], principal):
            raise NotFound(
                f"rating {rating_id} not found", f"penilaian kinerja {rating_id} tidak ditemukan"
            )
    rating, turn = found
    return RatingOut.of(rating, principal, turn, now)


async def list_ratings(
    unit_of_work: UnitOfWorkFactory,
    principal: Principal,
    *,
    vendor_id: UUID | None,
    state: State | None,
    page: PageParams,
    overdue: bool | None = None,
    turn: TurnScope | None = None,
    procurement_id: UUID | None = None,
) -> RatingPage:
    """The ratings the caller may see, each with its open turn; ``overdue`` filters on that
    turn being past due now, ``turn="mine"`` on it being the caller's (a PPK's pending
    ratings), ``procurement_id`` on one procurement (its rating, at most one)."""
    after = cursor_after(page)
    async with unit_of_work(Caller(principal)) as uow:
        now = uow.now()
        found = await uow.ratings.page(
            principal,
            vendor_id=vendor_id,
            procurement_id=procurement_id,
            state=state,
            overdue=overdue,
            mine=turn == "mine",
            now=now,
            limit=page.limit + 1,
            after=after,
        )
    shown, more = found[: page.limit], len(found) > page.limit
    last = shown[-1][0] if shown else None
    return RatingPage(
        items=[RatingOut.of(r, principal, t, now) for r, t in shown],
        next_cursor=next_cursor(last.opened_at, last.id, more) if last else None,
    )


async def list_blacklist(
    unit_of_work: UnitOfWorkFactory,
    zone: tzinfo,
    *,
    active: bool | None,
    vendor_id: UUID | None,
    page: PageParams,
) -> BlacklistPage:
    """The public blacklist; ``active`` filters on entries in force today."""
    after = cursor_after(page)
    async with unit_of_work(Caller()) as uow:
        on = today(uow, zone)
        found = await uow.blacklist.page(
            today=on, active=active, vendor_id=vendor_id, limit=page.limit + 1, after=after
        )
    shown, more = found[: page.limit], len(found) > page.limit
    return BlacklistPage(
        items=[BlacklistEntryOut.of(e, on, []) for e in shown],
        next_cursor=next_cursor(shown[-1].recorded_at, shown[-1].id, more) if shown else None,
    )


async def get_blacklist_entry(
    unit_of_work: UnitOfWorkFactory, zone: tzinfo, entry_id: UUID
) -> BlacklistEntryOut:
    """One entry (public)."""
    async with unit_of_work(Caller()) as uow:
        entry = await uow.blacklist.get(entry_id)
        on = today(uow, zone)
    if entry is None:
        raise NotFound(
            f"blacklist entry {entry_id} not found",
            f"entri daftar hitam {entry_id} tidak ditemukan",
        )
    return BlacklistEntryOut.of(entry, on, [])
