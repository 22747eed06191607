"""The blacklist (SOP 11b): admins record and lift entries; the list is public."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query

from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.service import Runtime, get_runtime
from rating.api.common import create_idempotently, if_match
from rating.api.paging import cursor_after, next_cursor
from rating.api.schemas import BlacklistEntryOut, BlacklistPage, BlacklistRequest, LiftRequest
from rating.application.blacklist import (
    RecordBlacklistEntry,
    lift_blacklist_entry,
    record_blacklist_entry,
)
from rating.application.context import today
from rating.application.queries import get_blacklist_entry, list_blacklist
from rating.domain.blacklist import BLACKLIST_MACHINE, BlacklistEntry

router = APIRouter(tags=["blacklist"])


def _for_admin(entry: BlacklistEntry, runtime: Runtime) -> BlacklistEntryOut:
    on = today(runtime)
    return BlacklistEntryOut.of(
        entry, on, BLACKLIST_MACHINE.allowed_actions(entry.state_on(on), "admin")
    )


@router.post(
    "/blacklist",
    status_code=201,
    response_model=BlacklistEntryOut,
    summary="Blacklist a vendor for a period (11b)",
)
async def post_blacklist_entry(
    body: BlacklistRequest,
    principal: Principal = Depends(require_roles(Role.ADMIN)),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    command = RecordBlacklistEntry(**body.model_dump())

    async def work(session):
        entry = await record_blacklist_entry(session, runtime, principal, command)
        return _for_admin(entry, runtime)

    return await create_idempotently(runtime, key, principal, work)


@router.post(
    "/blacklist/{entry_id}/lift",
    response_model=BlacklistEntryOut,
    summary="Lift an entry early, with a reason (11b)",
)
async def post_lift(
    entry_id: UUID,
    body: LiftRequest,
    principal: Principal = Depends(require_roles(Role.ADMIN)),
    version: int | None = Depends(if_match),
    runtime: Runtime = Depends(get_runtime),
) -> BlacklistEntryOut:
    async with runtime.unit_of_work() as session:
        entry = await lift_blacklist_entry(
            session, runtime, principal, entry_id, body.reason, version
        )
    return _for_admin(entry, runtime)


@router.get(
    "/blacklist",
    response_model=BlacklistPage,
    summary="The public blacklist (no token); active=true: entries in force today",
)
async def get_blacklist(
    active: bool | None = Query(default=None),
    vendor_id: UUID | None = Query(default=None),
    page: PageParams = Depends(page_params),
    runtime: Runtime = Depends(get_runtime),
) -> BlacklistPage:
    on = today(runtime)
    async with runtime.sessions() as session:
        found = await list_blacklist(
            session,
            today=on,
            active=active,
            vendor_id=vendor_id,
            limit=page.limit + 1,
            after=cursor_after(page),
        )
    shown, more = found[: page.limit], len(found) > page.limit
    return BlacklistPage(
        items=[BlacklistEntryOut.of(e, on, []) for e in shown],
        next_cursor=next_cursor(shown[-1].recorded_at, shown[-1].id, more) if shown else None,
    )


@router.get("/blacklist/{entry_id}", response_model=BlacklistEntryOut, summary="One entry (public)")
async def get_one_entry(
    entry_id: UUID, runtime: Runtime = Depends(get_runtime)
) -> BlacklistEntryOut:
    async with runtime.sessions() as session:
        entry = await get_blacklist_entry(session, entry_id)
    return BlacklistEntryOut.of(entry, today(runtime), [])
