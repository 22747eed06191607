"""HTTP API of the delivery service (api.md, "Delivery service"): fulfilments by procurement id."""

from datetime import datetime
from pathlib import Path
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.api.dependencies import acting
from delivery.application import ppk_steps, queries, vendor_steps
from delivery.application.runner import StepRequest
from delivery.application.views import FulfilmentDetail, FulfilmentPage
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FulfilmentState
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.http.problems import Invalid, NotFound
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.persistence import load_document_row
from epurchasing_shared.service import Runtime, get_runtime

router = APIRouter(prefix="/fulfilments", tags=["fulfilments"])
readers = require_roles(Role.PPK, Role.VENDOR, Role.AUDITOR, Role.ADMIN)
vendor = acting(Role.VENDOR)
ppk = acting(Role.PPK)
NOTE = Form(default=None, max_length=2000)


@router.get("", response_model=FulfilmentPage, summary="Fulfilments the caller may see")
async def list_fulfilments(
    state: FulfilmentState | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(readers),
    runtime: Runtime = Depends(get_runtime),
) -> FulfilmentPage:
    return await queries.list_fulfilments(runtime, principal, page, state)


@router.get("/{procurement_id}", response_model=FulfilmentDetail, summary="One fulfilment")
async def get_fulfilment(
    procurement_id: UUID,
    principal: Principal = Depends(readers),
    runtime: Runtime = Depends(get_runtime),
) -> FulfilmentDetail:
    return await queries.get_fulfilment(runtime, principal, procurement_id)


@router.get("/{procurement_id}/documents/{document_id}", summary="Download a document")
async def download_document(
    procurement_id: UUID,
    document_id: UUID,
    principal: Principal = Depends(readers),
    runtime: Runtime = Depends(get_runtime),
) -> FileResponse:
    async with runtime.sessions() as session:
        await _visible(session, principal, procurement_id)
        row = await load_document_row(session, runtime.spine.documents, document_id)
    if row["procurement_id"] != procurement_id:
        raise NotFound(f"document {document_id} not found")
    path: Path = runtime.documents.path_of(row["sha256"])
    return FileResponse(path, media_type=row["media_type"], filename=row["filename"])


async def _visible(session: AsyncSession, principal: Principal, procurement_id: UUID) -> None:
    if await repository.find_visible(session, principal, procurement_id) is None:
        raise NotFound(f"fulfilment {procurement_id} not found")


@router.post(
    "/{procurement_id}/start-preparation", summary="Start preparing the goods (vendor, 23)"
)
async def start_preparation(
    request: StepRequest = Depends(vendor), runtime: Runtime = Depends(get_runtime)
) -> JSONResponse:
    return await vendor_steps.start_preparation(runtime, request)


@router.post(
    "/{procurement_id}/shipments",
    status_code=201,
    summary="Add a shipping-history entry (vendor, 25)",
)
async def record_shipment(
    status: ShipmentStatus = Form(...),
    courier: str | None = Form(default=None, max_length=200),
    tracking_number: str | None = Form(default=None, max_length=200),
    happened_at: datetime | None = Form(default=None),
    note: str | None = NOTE,
    document: UploadFile | None = File(default=None),
    request: StepRequest = Depends(vendor),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    if happened_at is not None and happened_at.tzinfo is None:
        raise Invalid("happened_at needs a UTC offset (RFC 3339)", field="happened_at")
    limit = runtime.settings.max_document_bytes
    given = vendor_steps.ShipmentInput(
        status=status,
        courier=courier,
        tracking_number=tracking_number,
        happened_at=happened_at,
        note=note,
        document=await read_upload(document, limit, "document") if document else None,
    )
    return await vendor_steps.record_shipment(runtime, request, given)


@router.post("/{procurement_id}/inspection", summary="Inspect the goods, with the BAP (PPK, 26)")
async def inspect_goods(
    bap: UploadFile = File(...),
    note: str | None = NOTE,
    request: StepRequest = Depends(ppk),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    upload = await read_upload(bap, runtime.settings.max_document_bytes, "bap")
    return await ppk_steps.inspect_goods(runtime, request, upload, note)


@router.post("/{procurement_id}/handover", summary="Take over the goods, with the BAST (PPK, 26)")
async def hand_over_goods(
    bast: UploadFile = File(...),
    note: str | None = NOTE,
    request: StepRequest = Depends(ppk),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    upload = await read_upload(bast, runtime.settings.max_document_bytes, "bast")
    return await ppk_steps.hand_over_goods(runtime, request, upload, note)


@router.post(
    "/{procurement_id}/payments",
    status_code=201,
    summary="Record a payment with its document and receipt (PPK, 26)",
)
async def record_payment(
    amount: int = Form(...),
    payment_document: UploadFile = File(...),
    receipt: UploadFile = File(...),
    note: str | None = NOTE,
    request: StepRequest = Depends(ppk),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    limit = runtime.settings.max_document_bytes
    given = ppk_steps.PaymentInput(
        amount=amount,
        payment_document=await read_upload(payment_document, limit, "payment_document"),
        receipt=await read_upload(receipt, limit, "receipt"),
        note=note,
    )
    return await ppk_steps.record_payment(runtime, request, given)


@router.post("/{procurement_id}/complete", summary="Complete the paid package (PPK, 27)")
async def complete_package(
    request: StepRequest = Depends(ppk), runtime: Runtime = Depends(get_runtime)
) -> JSONResponse:
    return await ppk_steps.complete_package(runtime, request)
