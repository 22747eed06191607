"""HTTP API of the delivery service (api.md, "Delivery service"): fulfilments by procurement id.

Thin: each route reads its input, calls one use case with the unit of work and answers with
its outcome; every state-changing route takes ``If-Match`` and ``Idempotency-Key``.

Success codes: a POST that creates an entry with its own URL answers 201 with ``Location``
(a shipping entry, ``/fulfilments/{id}/shipments/{entry_no}``; a payment,
``/fulfilments/{id}/payments/{payment_no}``); every other action answers 200. Both carry the
fulfilment as the caller now sees it, and its version as the ``ETag`` (for the next
``If-Match``).
"""

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Header, Path, Query, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse

from delivery.api.dependencies import unit_of_work
from delivery.api.inputs import Instant, Line, Rupiah, Text, read_document
from delivery.application import ppk_steps, queries, vendor_steps
from delivery.application.ports import UnitOfWorkFactory
from delivery.application.views import FulfilmentDetail, FulfilmentPage, PaymentView, ShipmentView
from delivery.domain.documents import EXTENSIONS, safe_filename
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FulfilmentState
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.service import Runtime, current_runtime

router = APIRouter(prefix="/fulfilments", tags=["fulfilments"])
readers = require_roles(Role.PPK, Role.VENDOR, Role.AUDITOR, Role.ADMIN)
vendor = action_request(Role.VENDOR)
ppk = action_request(Role.PPK)
MAX_NOTE, MAX_LINE = 2000, 100
NOTE_EXAMPLES = ["barang diterima lengkap 10 unit, kondisi baik"]


def _header(description: str, example: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string", "example": example}}


ETAG = _header("The fulfilment's version, to send as `If-Match` next.", '"5"')
REPLAYED = _header(
    "`true` when this answers a retry: the response first given to the same Idempotency-Key.",
    "true",
)
DONE = {
    200: {
        "description": "Done: the fulfilment as the caller now sees it.",
        "headers": {"ETag": ETAG, "Idempotent-Replayed": REPLAYED},
    }
}


def _created(what: str, example: str) -> dict[int | str, dict[str, Any]]:
    return {
        201: {
            "description": f"Created: `Location` is the new {what}; the body is the fulfilment "
            "as the caller now sees it (the new entry included).",
            "headers": {
                "Location": _header(f"The URL of the new {what}.", example),
                "ETag": ETAG,
                "Idempotent-Replayed": REPLAYED,
            },
        }
    }


# A multipart body that cannot even be parsed is answered 400 (by the framework, before any
# field is read); the shared rules declare 413 and 422 for a body, so this one is declared here.
MULTIPART: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "The multipart body cannot be parsed (no field could be read).",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
}
BINARY = {"schema": {"type": "string", "format": "binary"}}
DOWNLOAD = {
    200: {
        "description": "The document's bytes, as an attachment.",
        "content": {media_type: BINARY for media_type in EXTENSIONS},
        "headers": {
            "ETag": _header(
                "The document's SHA-256 (it never changes).",
                '"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
            ),
            "Content-Disposition": _header(
                "Always an attachment, under the stored safe name.",
                'attachment; filename="bast.pdf"',
            ),
            "X-Content-Type-Options": _header("Never sniffed: always `nosniff`.", "nosniff"),
        },
    },
    304: {
        "description": "`If-None-Match` names this document's ETag: the caller's copy is current.",
        "headers": {
            "ETag": _header(
                "The document's SHA-256.",
                '"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
            )
        },
    },
}


@router.get("", response_model=FulfilmentPage, summary="Fulfilments the caller may see")
async def list_fulfilments(
    principal: Principal = Depends(readers),  # first: no token is 401 whatever the query
    state: FulfilmentState | None = Query(default=None),
    overdue: bool | None = Query(
        default=None,
        description="`true`: only those whose open turn is past its due time; `false`: only "
        "those on time or with no open turn.",
    ),
    turn: Literal["mine"] | None = Query(
        default=None,
        description="`mine`: only those whose turn is the caller's (\"my work\"): a vendor's "
        "by its vendor id, a PPK's by its work unit and user id; none for auditors and admins.",
    ),
    page: PageParams = Depends(page_params),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> FulfilmentPage:
    return await queries.list_fulfilments(
        uow, principal, page, state, overdue=overdue, mine=turn == "mine"
    )


@router.get(
    "/{procurement_id}",
    response_model=FulfilmentDetail,
    summary="One fulfilment, with its shipping history, BAP, BAST and payments",
    responses={200: {"description": "The fulfilment.", "headers": {"ETag": ETAG}}},
)
async def get_fulfilment(
    procurement_id: UUID,
    response: Response,
    principal: Principal = Depends(readers),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> FulfilmentDetail:
    detail = await queries.get_fulfilment(uow, principal, procurement_id)
    response.headers["ETag"] = f'"{detail.version}"'
    return detail


@router.get(
    "/{procurement_id}/shipments/{entry_no}",
    response_model=ShipmentView,
    summary="One entry of the shipping history (step 25)",
)
async def get_shipping_entry(
    procurement_id: UUID,
    principal: Principal = Depends(readers),
    entry_no: int = Path(ge=1, le=10_000),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> ShipmentView:
    return await queries.get_shipping_entry(uow, principal, procurement_id, entry_no)


@router.get(
    "/{procurement_id}/payments/{payment_no}",
    response_model=PaymentView,
    summary="One payment (instalment) with its documents (step 26)",
)
async def get_payment(
    procurement_id: UUID,
    principal: Principal = Depends(readers),
    payment_no: int = Path(ge=1, le=10_000),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> PaymentView:
    return await queries.get_payment(uow, principal, procurement_id, payment_no)


@router.get(
    "/{procurement_id}/documents/{document_id}",
    response_class=Response,
    responses=DOWNLOAD,
    summary="Download a document of the fulfilment (delivery document, BAP, BAST, payment "
    "document, receipt)",
)
async def download_document(
    procurement_id: UUID,
    document_id: UUID,
    principal: Principal = Depends(readers),
    if_none_match: str | None = Header(default=None, alias="If-None-Match", max_length=200),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> Response:
    found = await queries.find_document(uow, principal, procurement_id, document_id)
    return _file(found, if_none_match, runtime)


def _file(found: DocumentRef, if_none_match: str | None, runtime: Runtime) -> Response:
    """A stored document as an attachment, its SHA-256 the ETag (304 when it matches)."""
    etag = f'"{found.sha256}"'
    if if_none_match is not None and (
        if_none_match.strip() == "*" or etag in {t.strip() for t in if_none_match.split(",")}
    ):
        return Response(status_code=304, headers={"ETag": etag})
    path = runtime.documents.path_of(found.sha256)
    if not path.is_file():
        raise NotFound(
            f"the file of document {found.id} is not available",
            f"berkas dokumen {found.id} tidak tersedia",
        )
    return FileResponse(
        path,
        media_type=found.media_type,
        filename=safe_filename(found.filename, found.media_type, found.kind),
        content_disposition_type="attachment",
        headers={"ETag": etag},
    )


def _letter_route(kind: Literal["bap", "bast"], what: str) -> None:
    """``GET /fulfilments/{id}/bap.pdf`` and ``/bast.pdf``: the generated letter."""

    @router.get(
        f"/{{procurement_id}}/{kind}.pdf",
        response_class=Response,
        responses=DOWNLOAD
        | {
            409: {
                "description": f"No {kind.upper()} yet: before the {what}",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            }
        },
        summary=f"Download the generated {kind.upper()} (26)",
        description=(
            f"The PDF the service generated at the {what} (step 26): letterhead, number, "
            "date, parties, items, total in figures and in words, signature blocks. Its "
            "SHA-256 (the ETag) is in that step's history entry, beside the PPK's signed scan. "
            "409 before the step; readable by whoever may read the fulfilment."
        ),
        operation_id=f"download_generated_{kind}",
    )
    async def download_letter(
        procurement_id: UUID,
        principal: Principal = Depends(readers),
        if_none_match: str | None = Header(default=None, alias="If-None-Match", max_length=200),
        uow: UnitOfWorkFactory = Depends(unit_of_work),
        runtime: Runtime = Depends(current_runtime),
    ) -> Response:
        found = await queries.generated_letter(uow, principal, procurement_id, kind)
        return _file(found, if_none_match, runtime)


_letter_route("bap", "inspection")
_letter_route("bast", "handover")


@router.post(
    "/{procurement_id}/start-preparation",
    response_model=FulfilmentDetail,
    responses=DONE,
    summary="Start preparing the goods (vendor, 23)",
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
    response_model=FulfilmentDetail,
    responses=_created("shipping entry", "/fulfilments/3f2b…/shipments/2") | MULTIPART,
    summary="Add a shipping-history entry (vendor, 25)",
)
async def record_shipment(
    procurement_id: UUID,
    *,
    request: ActionRequest = Depends(vendor),
    status: Annotated[ShipmentStatus, Form(examples=["shipped"])],
    courier: Annotated[
        Line,
        Form(
            max_length=MAX_LINE,
            description="Required once shipped (not for `packed`).",
            examples=["JNE Trucking"],
        ),
    ] = None,
    tracking_number: Annotated[
        Line,
        Form(
            max_length=MAX_LINE,
            description="The courier's tracking number (resi); required once shipped.",
            examples=["JT0012345678"],
        ),
    ] = None,
    happened_at: Annotated[
        Instant,
        Form(
            description="When it happened, RFC 3339 with its offset; not before the order date, "
            "not in the future (5 minutes of clock skew allowed). Default: now.",
            examples=["2026-01-05T09:30:00+07:00"],
        ),
    ] = None,
    note: Annotated[
        Text, Form(max_length=MAX_NOTE, examples=["diserahkan ke kurir, surat jalan terlampir"])
    ] = None,
    document: Annotated[
        UploadFile | None,
        File(description="The delivery document (surat jalan): PDF, PNG or JPEG."),
    ] = None,
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> JSONResponse:
    limit = runtime.settings.max_document_bytes
    given = vendor_steps.ShipmentInput(
        status=status,
        courier=courier,
        tracking_number=tracking_number,
        happened_at=happened_at,
        note=note,
        document=await read_document(document, limit, "document") if document else None,
        zone=runtime.settings.zone,
    )
    return respond(await vendor_steps.record_shipment(uow, request, procurement_id, given))


@router.post(
    "/{procurement_id}/inspection",
    response_model=FulfilmentDetail,
    responses=DONE | MULTIPART,
    summary="Inspect the goods, with the BAP (PPK, 26)",
)
async def inspect_goods(
    procurement_id: UUID,
    *,
    request: ActionRequest = Depends(ppk),
    bap: Annotated[
        UploadFile, File(description="Berita Acara Pemeriksaan: a whole PDF, PNG or JPEG file.")
    ],
    note: Annotated[
        Text, Form(max_length=MAX_NOTE, examples=["10 unit laptop diperiksa, sesuai spesifikasi"])
    ] = None,
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> JSONResponse:
    upload = await read_document(bap, runtime.settings.max_document_bytes, "bap")
    return respond(await ppk_steps.inspect_goods(uow, request, procurement_id, upload, note))


@router.post(
    "/{procurement_id}/handover",
    response_model=FulfilmentDetail,
    responses=DONE | MULTIPART,
    summary="Take over the goods, with the BAST (PPK, 26)",
)
async def hand_over_goods(
    procurement_id: UUID,
    *,
    request: ActionRequest = Depends(ppk),
    bast: Annotated[
        UploadFile, File(description="Berita Acara Serah Terima: a whole PDF, PNG or JPEG file.")
    ],
    note: Annotated[Text, Form(max_length=MAX_NOTE, examples=NOTE_EXAMPLES)] = None,
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> JSONResponse:
    upload = await read_document(bast, runtime.settings.max_document_bytes, "bast")
    return respond(await ppk_steps.hand_over_goods(uow, request, procurement_id, upload, note))


@router.post(
    "/{procurement_id}/payments",
    status_code=201,
    response_model=FulfilmentDetail,
    responses=_created("payment", "/fulfilments/3f2b…/payments/1") | MULTIPART,
    summary="Record a payment with its document and receipt (PPK, 26)",
)
async def record_payment(
    procurement_id: UUID,
    *,
    request: ActionRequest = Depends(ppk),
    amount: Annotated[
        Rupiah,
        Form(
            description="Whole rupiah, digits only; the instalments never add up to more than "
            "the order total.",
            examples=[62_525_000],
        ),
    ],
    payment_document: Annotated[
        UploadFile,
        File(description="The payment document (e.g. SP2D): a whole PDF, PNG or JPEG file."),
    ],
    receipt: Annotated[
        UploadFile, File(description="The receipt (kwitansi): a whole PDF, PNG or JPEG.")
    ],
    note: Annotated[
        Text, Form(max_length=MAX_NOTE, examples=["termin 1 dari 2, SP2D terlampir"])
    ] = None,
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> JSONResponse:
    limit = runtime.settings.max_document_bytes
    given = ppk_steps.PaymentInput(
        amount=amount,
        payment_document=await read_document(payment_document, limit, "payment_document"),
        receipt=await read_document(receipt, limit, "receipt"),
        note=note,
    )
    return respond(await ppk_steps.record_payment(uow, request, procurement_id, given))


@router.post(
    "/{procurement_id}/complete",
    response_model=FulfilmentDetail,
    responses=DONE,
    summary="Complete the paid package (PPK, 27)",
)
async def complete_package(
    procurement_id: UUID,
    request: ActionRequest = Depends(ppk),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
    runtime: Runtime = Depends(current_runtime),
) -> JSONResponse:
    zone = runtime.settings.zone
    return respond(await ppk_steps.complete_package(uow, request, procurement_id, zone))
