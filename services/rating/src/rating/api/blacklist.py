"""The blacklist (SOP 11b): admins record and lift entries; the list is public."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from rating.api.responses import acted, created
from rating.api.schemas import BlacklistRequest, LiftRequest
from rating.api.wiring import Wiring, wiring
from rating.application import blacklist as entries
from rating.application import queries
from rating.application.views import BlacklistEntryOut, BlacklistPage

router = APIRouter(tags=["blacklist"])


@router.post(
    "/blacklist",
    status_code=201,
    response_model=BlacklistEntryOut,
    responses=created("The blacklist entry"),
    summary="Blacklist a vendor for a period (11b)",
)
async def record_blacklist_entry(
    body: BlacklistRequest,
    action: ActionRequest = Depends(action_request(Role.ADMIN)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    command = entries.RecordBlacklistEntry(**body.model_dump())
    outcome = await entries.record_blacklist_entry(
        service.unit_of_work, action, command, service.zone
    )
    return respond(outcome)


@router.post(
    "/blacklist/{entry_id}/lift",
    response_model=BlacklistEntryOut,
    responses=acted("The lifted entry"),
    summary="Lift an entry early, with a reason (11b)",
)
async def lift_blacklist_entry(
    entry_id: UUID,
    body: LiftRequest,
    action: ActionRequest = Depends(action_request(Role.ADMIN)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    outcome = await entries.lift_blacklist_entry(
        service.unit_of_work, action, entry_id, body.reason, service.zone
    )
    return respond(outcome)


@router.get(
    "/blacklist",
    response_model=BlacklistPage,
    summary="The public blacklist (no token); active=true: entries in force today",
)
async def list_blacklist(
    active: bool | None = Query(default=None),
    vendor_id: UUID | None = Query(default=None),
    page: PageParams = Depends(page_params),
    service: Wiring = Depends(wiring),
) -> BlacklistPage:
    return await queries.list_blacklist(
        service.unit_of_work, service.zone, active=active, vendor_id=vendor_id, page=page
    )


@router.get("/blacklist/{entry_id}", response_model=BlacklistEntryOut, summary="One entry (public)")
async def get_blacklist_entry(
    entry_id: UUID, service: Wiring = Depends(wiring)
) -> BlacklistEntryOut:
    return await queries.get_blacklist_entry(service.unit_of_work, service.zone, entry_id)
