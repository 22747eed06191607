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


async def get_rating(
    unit_of_work: UnitOfWorkFactory, principal: Principal, rating_id: UUID
) -> RatingOut:
    async with unit_of_work(Caller(principal)) as uow:
        rating = await uow.ratings.get(rating_id)
    if rating is None or not may_see(rating, principal):
        raise NotFound(
            f"rating {rating_id} not found", f"penilaian kinerja {rating_id} tidak ditemukan"
        )
    return RatingOut.of(rating, principal)


async def list_ratings(
    unit_of_work: UnitOfWorkFactory,
    principal: Principal,
    *,
    vendor_id: UUID | None,
    state: State | None,
    page: PageParams,
) -> RatingPage:
    after = cursor_after(page)
    async with unit_of_work(Caller(principal)) as uow:
        found = await uow.ratings.page(
            principal, vendor_id=vendor_id, state=state, limit=page.limit + 1, after=after
        )
    shown, more = found[: page.limit], len(found) > page.limit
    return RatingPage(
        items=[RatingOut.of(r, principal) for r in shown],
        next_cursor=next_cursor(shown[-1].opened_at, shown[-1].id, more) if shown else None,
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
