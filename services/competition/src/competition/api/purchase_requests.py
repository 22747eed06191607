"""HTTP API of purchase requests (SOP steps 1–4)."""

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Header, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, tuple_

from competition.adapters import procurement_repository as repo
from competition.adapters.tables import purchase_requests as table
from competition.api.common import idempotent, official_only, ppk_only, request_readers
from competition.api.cursors import created_cursor
from competition.application import purchase_requests as use
from competition.application.views import request_view
from competition.domain.limits import MAX_QUANTITY, MAX_RUPIAH
from competition.domain.purchase_request import Official, RequestItem
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.service import Runtime, get_runtime

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


@router.post("", status_code=201, summary="Draft a purchase request (steps 1–2)")
async def draft(
    body: DraftIn,
    principal: Principal = Depends(ppk_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    async def work(session):
        request = await use.draft_request(runtime, session, principal, _domain_values(body))
        return await request_view(runtime, session, principal, request)

    return await idempotent(runtime, principal, key, work)


@router.patch("/{request_id}", summary="Change the draft (step 2)")
async def edit(
    request_id: UUID,
    body: DraftPatch,
    principal: Principal = Depends(ppk_only),
    if_match: int | None = Header(default=None, alias="If-Match"),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        changes = _domain_values(body)
        request = await use.edit_request(runtime, session, principal, request_id, changes, if_match)
        return await request_view(runtime, session, principal, request)


@router.post("/{request_id}/documents", status_code=201, summary="Attach a document (step 2)")
async def attach(
    request_id: UUID,
    kind: str = Form(description="nota_dinas or specification"),
    file: UploadFile = File(),
    principal: Principal = Depends(ppk_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    upload = await read_upload(file, runtime.settings.max_document_bytes)

    async def work(session):
        request, document = await use.attach_request_document(
            runtime, session, principal, request_id, kind, upload
        )
        return {"document": document, "version": request.version}

    return await idempotent(runtime, principal, key, work)


@router.post("/{request_id}/submit", summary="Send to the procurement official (step 3)")
async def submit(
    request_id: UUID,
    body: SubmitIn | None = None,
    principal: Principal = Depends(ppk_only),
    runtime: Runtime = Depends(get_runtime),
):
    official = Official(**body.official.model_dump()) if body and body.official else None
    async with runtime.unit_of_work() as session:
        request = await use.submit_request(runtime, session, principal, request_id, official)
        return await request_view(runtime, session, principal, request)


@router.post("/{request_id}/accept", summary="Receive the request (step 4)")
async def accept(
    request_id: UUID,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        request = await use.accept_request(runtime, session, principal, request_id)
        return await request_view(runtime, session, principal, request)


@router.post("/{request_id}/return", summary="Return the request to the PPK (step 4)")
async def return_to_ppk(
    request_id: UUID,
    body: ReturnIn,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        request = await use.return_request(runtime, session, principal, request_id, body.reason)
        return await request_view(runtime, session, principal, request)


@router.get("/{request_id}", summary="One purchase request")
async def get_one(
    request_id: UUID,
    principal: Principal = Depends(request_readers),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.sessions() as session:
        request = await use.visible_request(session, principal, request_id)
        return await request_view(runtime, session, principal, request)


@router.get("", summary="Purchase requests the caller may see")
async def list_requests(
    state: str | None = None,
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(request_readers),
    runtime: Runtime = Depends(get_runtime),
):
    after = created_cursor(page.cursor)
    query = select(table).order_by(table.c.created_at, table.c.id).limit(page.limit)
    if principal.role is not Role.ADMIN and principal.role is not Role.AUDITOR:
        query = query.where(
            (table.c.work_unit == principal.work_unit) | (table.c.official_id == principal.sub)
        )
    if state:
        query = query.where(table.c.state == state)
    if after is not None:
        query = query.where(tuple_(table.c.created_at, table.c.id) > tuple_(*after))
    async with runtime.sessions() as session:
        rows = (await session.execute(query)).mappings().all()
        items = [
            await request_view(runtime, session, principal, repo.request_from_row(row))
            for row in rows
        ]
    last = rows[-1] if len(rows) == page.limit else None
    cursor = encode_cursor(last["created_at"].isoformat(), last["id"]) if last else None
    return {"items": items, "next_cursor": cursor}
