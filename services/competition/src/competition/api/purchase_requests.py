"""HTTP API of purchase requests (SOP steps 1–4)."""

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from competition.api.common import reader, request_readers, rules, unit_of_work
from competition.api.cursors import created_cursor
from competition.application import purchase_requests as use
from competition.application.ports import Rules, UnitOfWorkFactory
from competition.domain.limits import MAX_QUANTITY, MAX_RUPIAH
from competition.domain.purchase_request import Official, RequestItem
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.service import get_runtime

router = APIRouter(prefix="/purchase-requests", tags=["purchase requests (steps 1–4)"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ItemIn(Strict):
    category: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=500)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    unit: str = Field(min_length=1, max_length=40)
    product_id: UUID | None = None


class OfficialIn(Strict):
    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)


class DraftIn(Strict):
    rup_code: str = Field(min_length=1, max_length=60)
    fiscal_year: int = Field(ge=2000, le=2100)
    dpa_number: str = Field(min_length=1, max_length=120)
    pagu: int = Field(ge=1, le=MAX_RUPIAH, description="Budget ceiling, whole rupiah")
    title: str = Field(min_length=1, max_length=300)
    specification: str = Field(min_length=1, max_length=20000)
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    delivery_address: str = Field(min_length=1, max_length=1000)
    delivery_date: date
    official: OfficialIn | None = None


class DraftPatch(Strict):
    rup_code: str | None = Field(default=None, min_length=1, max_length=60)
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100)
    dpa_number: str | None = Field(default=None, min_length=1, max_length=120)
    pagu: int | None = Field(default=None, ge=1, le=MAX_RUPIAH)
    title: str | None = Field(default=None, min_length=1, max_length=300)
    specification: str | None = Field(default=None, min_length=1, max_length=20000)
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=200)
    delivery_address: str | None = Field(default=None, min_length=1, max_length=1000)
    delivery_date: date | None = None
    official: OfficialIn | None = None


class SubmitIn(Strict):
    official: OfficialIn | None = None


class ReturnIn(Strict):
    reason: str = Field(min_length=1, max_length=2000)


def _domain_values(data: BaseModel) -> dict[str, Any]:
    values = data.model_dump(exclude_unset=True, exclude={"items", "official"})
    if getattr(data, "items", None) is not None:
        values["items"] = [RequestItem(**item.model_dump()) for item in data.items]  # type: ignore[attr-defined]
    if getattr(data, "official", None) is not None:
        values["official"] = Official(**data.official.model_dump())  # type: ignore[attr-defined]
    return values


PPK = Depends(action_request(Role.PPK))
OFFICIAL = Depends(action_request(Role.PROCUREMENT_OFFICIAL))
READER = Depends(reader(*request_readers))
UOW = Depends(unit_of_work)


@router.post("", status_code=201, summary="Draft a purchase request (steps 1–2)")
async def draft(
    body: DraftIn,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    return respond(await use.draft_request(uow, action, _domain_values(body), settings))


@router.patch("/{request_id}", summary="Change the draft (step 2)")
async def edit(
    request_id: UUID,
    body: DraftPatch,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    return respond(await use.edit_request(uow, action, request_id, _domain_values(body), settings))


@router.post("/{request_id}/documents", status_code=201, summary="Attach a document (step 2)")
async def attach(
    http: Request,
    request_id: UUID,
    kind: str = Form(description="nota_dinas or specification"),
    file: UploadFile = File(),
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
):
    upload = await read_upload(file, get_runtime(http).settings.max_document_bytes)
    return respond(await use.attach_request_document(uow, action, request_id, kind, upload))


@router.post("/{request_id}/submit", summary="Send to the procurement official (step 3)")
async def submit(
    request_id: UUID,
    body: SubmitIn | None = None,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
):
    official = Official(**body.official.model_dump()) if body and body.official else None
    return respond(await use.submit_request(uow, action, request_id, official))


@router.post("/{request_id}/accept", summary="Receive the request (step 4)")
async def accept(request_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW):
    return respond(await use.accept_request(uow, action, request_id))


@router.post("/{request_id}/return", summary="Return the request to the PPK (step 4)")
async def return_to_ppk(
    request_id: UUID, body: ReturnIn, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
):
    return respond(await use.return_request(uow, action, request_id, body.reason))


@router.get("/{request_id}", summary="One purchase request")
async def get_one(request_id: UUID, action: ActionRequest = READER, uow: UnitOfWorkFactory = UOW):
    return await use.get_request(uow, action, request_id)


@router.get("", summary="Purchase requests the caller may see")
async def list_requests(
    state: str | None = None,
    page: PageParams = Depends(page_params),
    action: ActionRequest = READER,
    uow: UnitOfWorkFactory = UOW,
):
    after = created_cursor(page.cursor)
    items, last = await use.list_requests(uow, action, page.limit, after, state)
    cursor = encode_cursor(last[0].isoformat(), last[1]) if last else None
    return {"items": items, "next_cursor": cursor}
