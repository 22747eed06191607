"""HTTP API of the delivery service (api.md, "Delivery service"): fulfilments by procurement id.

Thin: each route reads its input, calls one use case with the unit of work and answers with
its outcome; every state-changing route takes ``If-Match`` and ``Idempotency-Key``.
"""

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from delivery.api.dependencies import unit_of_work
from delivery.application import ppk_steps, queries, vendor_steps
from delivery.application.ports import UnitOfWorkFactory
from delivery.application.views import FulfilmentDetail, FulfilmentPage
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FulfilmentState
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.service import Runtime, get_runtime

router = APIRouter(prefix="/fulfilments", tags=["fulfilments"])
readers = require_roles(Role.PPK, Role.VENDOR, Role.AUDITOR, Role.ADMIN)
vendor = action_request(Role.VENDOR)
ppk = action_request(Role.PPK)
NOTE = Form(default=None, max_length=2000)


@router.get("", response_model=FulfilmentPage, summary="Fulfilments the caller may see")
async def list_fulfilments(
    state: FulfilmentState | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(readers),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> FulfilmentPage:
    return await queries.list_fulfilments(uow, principal, page, state)


@router.get("/{procurement_id}", response_model=FulfilmentDetail, summary="One fulfilment")
async def get_fulfilment(
    procurement_id: UUID,
    principal: Principal = Depends(readers),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> FulfilmentDetail:
    return await queries.get_fulfilment(uow, principal, procurement_id)


@router.get("/{procurement_id}/documents/{document_id}", summary="Download a document")
async def download_document(
    procurement_id: UUID,
    document_id: UUID,
    principal: Principal = Depends(readers),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(get_runtime),
) -> FileResponse:
    found = await queries.find_document(uow, principal, procurement_id, document_id)
    path = runtime.documents.path_of(found.sha256)
    return FileResponse(path, media_type=found.media_type, filename=found.filename)


@router.post(
    "/{procurement_id}/start-preparation", summary="Start preparing the goods (vendor, 23)"
)
async def start_preparation(
    procurement_id: UUID,
    request: ActionRequest = Depends(vendor),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> JSONResponse:
    return respond(await vendor_steps.start_preparation(uow, request, procurement_id))


@router.post(
    "/{procurement_id}/shipments",
    status_code=201,
    summary="Add a shipping-history entry (vendor, 25)",
)
async def record_shipment(
    procurement_id: UUID,
    status: ShipmentStatus = Form(...),
    courier: str | None = Form(default=None, max_length=200),
    tracking_number: str | None = Form(default=None, max_length=200),
    happened_at: datetime | None = Form(default=None),
    note: str | None = NOTE,
    document: UploadFile | None = File(default=None),
    request: ActionRequest = Depends(vendor),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
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
    return respond(await vendor_steps.record_shipment(uow, request, procurement_id, given))


@router.post("/{procurement_id}/inspection", summary="Inspect the goods, with the BAP (PPK, 26)")
async def inspect_goods(
    procurement_id: UUID,
    bap: UploadFile = File(...),
    note: str | None = NOTE,
    request: ActionRequest = Depends(ppk),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    upload = await read_upload(bap, runtime.settings.max_document_bytes, "bap")
    return respond(await ppk_steps.inspect_goods(uow, request, procurement_id, upload, note))


@router.post("/{procurement_id}/handover", summary="Take over the goods, with the BAST (PPK, 26)")
async def hand_over_goods(
    procurement_id: UUID,
    bast: UploadFile = File(...),
    note: str | None = NOTE,
    request: ActionRequest = Depends(ppk),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    upload = await read_upload(bast, runtime.settings.max_document_bytes, "bast")
    return respond(await ppk_steps.hand_over_goods(uow, request, procurement_id, upload, note))


@router.post(
    "/{procurement_id}/payments",
    status_code=201,
    summary="Record a payment with its document and receipt (PPK, 26)",
)
async def record_payment(
    procurement_id: UUID,
    amount: int = Form(...),
    payment_document: UploadFile = File(...),
    receipt: UploadFile = File(...),
    note: str | None = NOTE,
    request: ActionRequest = Depends(ppk),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    limit = runtime.settings.max_document_bytes
    given = ppk_steps.PaymentInput(
        amount=amount,
        payment_document=await read_upload(payment_document, limit, "payment_document"),
        receipt=await read_upload(receipt, limit, "receipt"),
        note=note,
    )
    return respond(await ppk_steps.record_payment(uow, request, procurement_id, given))


@router.post("/{procurement_id}/complete", summary="Complete the paid package (PPK, 27)")
async def complete_package(
    procurement_id: UUID,
    request: ActionRequest = Depends(ppk),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(get_runtime),
) -> JSONResponse:
    zone = runtime.settings.zone
    return respond(await ppk_steps.complete_package(uow, request, procurement_id, zone))
