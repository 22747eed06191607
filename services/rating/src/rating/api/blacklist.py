"""The blacklist (SOP 11b): admins record and lift entries; the list is public."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from rating.api.schemas import BlacklistRequest, LiftRequest
from rating.api.wiring import Wiring, wiring
from rating.application.blacklist import (
    RecordBlacklistEntry,
    lift_blacklist_entry,
    record_blacklist_entry,
)
from rating.application.queries import get_blacklist_entry, list_blacklist
from rating.application.views import BlacklistEntryOut, BlacklistPage

router = APIRouter(tags=["blacklist"])


@router.post(
    "/blacklist",
    status_code=201,
    response_model=BlacklistEntryOut,
    summary="Blacklist a vendor for a period (11b)",
)
async def post_blacklist_entry(
    body: BlacklistRequest,
    action: ActionRequest = Depends(action_request(Role.ADMIN)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    command = RecordBlacklistEntry(**body.model_dump())
    return respond(
        await record_blacklist_entry(service.unit_of_work, action, command, service.zone)
    )


@router.post(
    "/blacklist/{entry_id}/lift",
    response_model=BlacklistEntryOut,
    summary="Lift an entry early, with a reason (11b)",
)
async def post_lift(
    entry_id: UUID,
    body: LiftRequest,
    action: ActionRequest = Depends(action_request(Role.ADMIN)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    outcome = await lift_blacklist_entry(
        service.unit_of_work, action, entry_id, body.reason, service.zone
    )
    return respond(outcome)


@router.get(
    "/blacklist",
    response_model=BlacklistPage,
    summary="The public blacklist (no token); active=true: entries in force today",
)
async def get_blacklist(
    active: bool | None = Query(default=None),
    vendor_id: UUID | None = Query(default=None),
    page: PageParams = Depends(page_params),
    service: Wiring = Depends(wiring),
) -> BlacklistPage:
    return await list_blacklist(
        service.unit_of_work, service.zone, active=active, vendor_id=vendor_id, page=page
    )


@router.get("/blacklist/{entry_id}", response_model=BlacklistEntryOut, summary="One entry (public)")
async def get_one_entry(entry_id: UUID, service: Wiring = Depends(wiring)) -> BlacklistEntryOut:
    return await get_blacklist_entry(service.unit_of_work, service.zone, entry_id)
