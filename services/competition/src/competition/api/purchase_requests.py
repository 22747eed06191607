"""HTTP API of purchase requests (SOP steps 1–4)."""

from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StrictInt

from competition.api import schemas
from competition.api.common import reader, request_readers, rules, unit_of_work
from competition.api.cursors import created_cursor
from competition.api.schemas import IsoDate, Quantity, Rupiah
from competition.application import purchase_requests as use
from competition.application.document_content import check_document_content
from competition.application.ports import Rules, UnitOfWorkFactory
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
    category: str = Field(min_length=1, max_length=120, examples=["laptop"])
    description: str = Field(
        min_length=1, max_length=500, examples=["Laptop 14 inci, RAM 16 GB, SSD 512 GB"]
    )
    quantity: Quantity = Field(examples=[10])
    unit: str = Field(min_length=1, max_length=40, examples=["unit"])
    product_id: UUID | None = None


class OfficialIn(Strict):
    id: str = Field(min_length=1, max_length=200, examples=["pp-dinkes-01"])
    name: str = Field(min_length=1, max_length=200, examples=["Siti Rahmawati, S.Kom."])
    email: EmailStr | None = Field(
        default=None,
        max_length=320,
        description=(
            "Where the official is e-mailed that the request awaits them (step 4) and reminded "
            "when a turn is overdue; optional (their token's email claim is kept once they act)"
        ),
        examples=["siti.rahmawati@mojokertokab.go.id"],
    )


class DraftIn(Strict):
    rup_code: str = Field(min_length=1, max_length=60, examples=["RUP-2026-DINKES-0142"])
    fiscal_year: StrictInt = Field(
        ge=2000, le=2100, description="Tahun anggaran: the current year ±1", examples=[2026]
    )
    dpa_number: str = Field(min_length=1, max_length=120, examples=["DPA/1.02.01/2026/017"])
    pagu: Rupiah = Field(description="Budget ceiling, whole rupiah", examples=[150_000_000])
    title: str = Field(min_length=1, max_length=300, examples=["Pengadaan laptop Dinas Kesehatan"])
    specification: str = Field(
        min_length=1,
        max_length=20000,
        examples=["Laptop untuk petugas puskesmas: prosesor 8 inti, RAM 16 GB, garansi 3 tahun"],
    )
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    delivery_address: str = Field(
        min_length=1,
        max_length=1000,
        examples=["Dinas Kesehatan, Jl. Merdeka No. 10, Bandung"],
    )
    delivery_date: IsoDate = Field(examples=["2026-04-30"])
    official: OfficialIn | None = None


class DraftPatch(Strict):
    rup_code: str | None = Field(default=None, min_length=1, max_length=60)
    fiscal_year: StrictInt | None = Field(default=None, ge=2000, le=2100, examples=[2026])
    dpa_number: str | None = Field(default=None, min_length=1, max_length=120)
    pagu: Rupiah | None = Field(default=None, examples=[145_000_000])
    title: str | None = Field(default=None, min_length=1, max_length=300)
    specification: str | None = Field(default=None, min_length=1, max_length=20000)
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=200)
    delivery_address: str | None = Field(default=None, min_length=1, max_length=1000)
    delivery_date: IsoDate | None = Field(default=None, examples=["2026-05-15"])
    official: OfficialIn | None = None


class SubmitIn(Strict):
    official: OfficialIn | None = None


class ReturnIn(Strict):
    reason: str = Field(
        min_length=1,
        max_length=2000,
        examples=["Nota dinas belum ditandatangani Kepala Dinas Kesehatan"],
    )


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


@router.post(
    "",
    status_code=201,
    summary="Draft a purchase request (steps 1–2)",
    response_model=schemas.PurchaseRequestOut,
    responses=schemas.created("The draft"),
)
async def draft_purchase_request(
    body: DraftIn,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    return respond(await use.draft_request(uow, action, _domain_values(body), settings))


@router.patch(
    "/{request_id}",
    summary="Change the draft (step 2)",
    response_model=schemas.PurchaseRequestOut,
    responses=schemas.done("The changed draft"),
)
async def edit_purchase_request(
    request_id: UUID,
    body: DraftPatch,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    return respond(await use.edit_request(uow, action, request_id, _domain_values(body), settings))


@router.post(
    "/{request_id}/documents",
    status_code=201,
    summary="Attach a document (step 2)",
    response_model=schemas.DocumentAttachedOut,
    responses=schemas.created("The stored document", etag=False),
)
async def attach_purchase_request_document(
    http: Request,
    request_id: UUID,
    kind: Literal["nota_dinas", "specification"] = Form(description="nota_dinas or specification"),
    file: UploadFile = File(description="PDF, PNG or JPEG, checked by content"),
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    upload = await read_upload(file, get_runtime(http).settings.max_document_bytes)
    upload = check_document_content(upload)
    return respond(await use.attach_request_document(uow, action, request_id, kind, upload))


@router.post(
    "/{request_id}/submit",
    summary="Send to the procurement official (step 3)",
    response_model=schemas.PurchaseRequestOut,
    responses=schemas.done("The submitted request"),
)
async def submit_purchase_request(
    request_id: UUID,
    body: SubmitIn | None = None,
    action: ActionRequest = PPK,
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    official = Official(**body.official.model_dump()) if body and body.official else None
    return respond(await use.submit_request(uow, action, request_id, official))


@router.post(
    "/{request_id}/accept",
    summary="Receive the request (step 4)",
    response_model=schemas.PurchaseRequestOut,
    responses=schemas.done("The accepted request"),
)
async def accept_purchase_request(
    request_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await use.accept_request(uow, action, request_id))


@router.post(
    "/{request_id}/return",
    summary="Return the request to the PPK (step 4)",
    response_model=schemas.PurchaseRequestOut,
    responses=schemas.done("The request, a draft again, with its return_reason"),
)
async def return_purchase_request(
    request_id: UUID, body: ReturnIn, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await use.return_request(uow, action, request_id, body.reason))


@router.get(
    "/{request_id}",
    summary="One purchase request",
    response_model=schemas.PurchaseRequestOut,
    responses={200: {"description": "The request", "headers": schemas.ETAG}},
)
async def get_purchase_request(
    request_id: UUID, action: ActionRequest = READER, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    view = await use.get_request(uow, action, request_id)
    return JSONResponse(view, headers={"ETag": f'"{view["version"]}"'})


@router.get(
    "",
    summary="Purchase requests the caller may see",
    response_model=schemas.PurchaseRequestPage,
)
async def list_purchase_requests(
    action: ActionRequest = READER,
    state: schemas.RequestState | None = Query(default=None, description="Only in this state"),
    overdue: bool | None = schemas.OVERDUE_QUERY,
    turn: Literal["mine"] | None = schemas.TURN_QUERY,
    page: PageParams = Depends(page_params),
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    after = created_cursor(page.cursor)
    items, last = await use.list_requests(
        uow, action, page.limit, after, state, overdue, turn == "mine"
    )
    cursor = encode_cursor(last[0].isoformat(), last[1]) if last else None
    return JSONResponse({"items": items, "next_cursor": cursor})
