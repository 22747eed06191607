"""Steps 21, 22 and 24a over HTTP: purchase order, acknowledgement, addenda (multipart: the
signed document travels with the form). Each answers 200 with the package: the order and its
versions are parts of it (read them, and download their documents, under the package)."""

import json
import re
from datetime import date
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import Field

from epurchasing_shared.auth import Role
from epurchasing_shared.documents import Upload
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.errors import RuleViolation
from ordering.api.schemas import (
    ACTION_RESPONSES,
    MAX_LINE_NO,
    MAX_LINES,
    MAX_QUANTITY,
    MAX_RUPIAH,
    MULTIPART_RESPONSES,
    PackageDetail,
)
from ordering.api.wiring import Wiring, wiring
from ordering.application import purchase_order
from ordering.application.uploads import check_content
from ordering.domain.purchase_order import AddendumChange

router = APIRouter(prefix="/packages/{package_id}/purchase-order", tags=["purchase order"])
PPK = action_request(Role.PPK)
VENDOR = action_request(Role.VENDOR)
ACTION = {"response_model": PackageDetail, "responses": ACTION_RESPONSES}
MULTIPART = {"response_model": PackageDetail, "responses": MULTIPART_RESPONSES}
DOCUMENT_HELP = (
    "PDF (from `%PDF-` to `%%EOF`), PNG or JPEG, whole; kept under a safe name and "
    "downloadable at GET /packages/{package_id}/documents/{document_id}"
)


async def checked_document(document: UploadFile, wired: Wiring) -> Upload:
    """Size and media type (shared), then the content itself (a whole file of its type)."""
    return check_content(await read_upload(document, wired.max_document_bytes, "document"))


@router.post(
    "", summary="The PPK issues the signed purchase order, Surat Pesanan (21)", **MULTIPART
)
async def issue_purchase_order(
    package_id: UUID,
    signatory: str = Form(min_length=2, max_length=300, examples=["dr. Budi Santoso"]),
    terms: str = Form(
        min_length=1,
        max_length=20000,
        examples=["Pembayaran setelah BAST; garansi resmi 2 tahun; denda keterlambatan 1‰."],
    ),
    order_date: date | None = Form(
        default=None, description="Default: today (WIB); within a year of today"
    ),
    document: UploadFile = File(description=f"The signed purchase order: {DOCUMENT_HELP}"),
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    upload = await checked_document(document, wired)
    outcome = await purchase_order.issue_purchase_order(
        wired.unit_of_work,
        request,
        package_id,
        wired.rules,
        signatory=signatory,
        terms=terms,
        order_date=order_date,
        upload=upload,
    )
    return respond(outcome)


@router.post("/acknowledge", summary="The vendor acknowledges the purchase order (22)", **ACTION)
async def acknowledge_purchase_order(
    package_id: UUID, request: ActionRequest = Depends(VENDOR), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await purchase_order.acknowledge_order(wired.unit_of_work, request, package_id))


QUANTITIES_SHAPE = (
    "quantities must be a JSON object of line number to a whole quantity from 1 to "
    f'{MAX_QUANTITY}, e.g. {{"1": 12}}'
)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are not repeated (``{"1": 2, "1": 3}`` is ambiguous)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        raise ValueError("a line number is repeated")
    return data


def _quantity_entry(key: str, value: Any) -> tuple[int, int]:
    """One ``"line": quantity`` pair: a decimal line number and a JSON integer (not a
    float, bool or string) between 1 and MAX_QUANTITY."""
    if not re.fullmatch(r"[1-9][0-9]{0,6}", key) or int(key) > MAX_LINE_NO:
        raise ValueError(f"{key!r} is not a line number")
    if type(value) is not int or not 1 <= value <= MAX_QUANTITY:
        raise ValueError(f"line {key}: {value!r} is not a quantity")
    return int(key), value


def parse_quantities(raw: str | None) -> dict[int, int] | None:
    """The DEPRECATED ``quantities`` form field, ``{"1": 12, "2": 3}`` (line number -> new
    quantity) as JSON text; anything else is a 422 naming ``quantities``."""
    if raw is None or not raw.strip():
        return None
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        if len(data) > MAX_LINES:
            raise ValueError(f"more than {MAX_LINES} lines")
        return dict(_quantity_entry(key, value) for key, value in data.items())
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise Invalid(f"{QUANTITIES_SHAPE} ({error})", field="quantities") from error


def pair_quantities(line_no: list[int] | None, quantity: list[int] | None) -> dict[int, int] | None:
    """The repeated ``line_no`` and ``quantity`` form fields, paired by position: the i-th
    quantity is the new quantity of line ``line_no[i]``."""
    if not line_no and not quantity:
        return None
    line_no, quantity = line_no or [], quantity or []
    if len(line_no) != len(quantity):
        raise RuleViolation.one(
            "quantity",
            f"{len(line_no)} line_no but {len(quantity)} quantity fields: give one quantity "
            "per line_no",
            f"{len(line_no)} line_no tetapi {len(quantity)} quantity: berikan satu quantity "
            "untuk setiap line_no",
        )
    if len(set(line_no)) != len(line_no):
        raise RuleViolation.one(
            "line_no", "a line number is repeated", "nomor baris yang sama disebut dua kali"
        )
    return dict(zip(line_no, quantity, strict=True))


LineNos = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_LINE_NO)]] | None,
    Form(
        max_length=MAX_LINES,
        description="Repeat once per changed line: the line's number (pairs with `quantity`)",
        examples=[[1]],
    ),
]
Quantities = Annotated[
    list[Annotated[int, Field(ge=1, le=MAX_QUANTITY)]] | None,
    Form(
        max_length=MAX_LINES,
        description="Repeat once per changed line: its new quantity, in `line_no`'s order",
        examples=[[11]],
    ),
]


@router.post(
    "/addenda", summary="The PPK amends the order with an addendum document (24a)", **MULTIPART
)
async def add_purchase_order_addendum(
    package_id: UUID,
    reason: str = Form(
        min_length=3, max_length=2000, examples=["Penambahan 1 unit untuk Puskesmas Mojosari"]
    ),
    line_no: LineNos = None,
    quantity: Quantities = None,
    quantities: str | None = Form(
        default=None,
        max_length=20000,
        deprecated=True,
        description='Deprecated: the same as JSON text, `{"1": 11}`; use `line_no` + `quantity`',
    ),
    shipping_cost: int | None = Form(default=None, ge=0, le=MAX_RUPIAH, examples=[250_000]),
    delivery_deadline: date | None = Form(default=None, description="Within five years of today"),
    signatory: str | None = Form(default=None, min_length=2, max_length=300),
    terms: str | None = Form(default=None, min_length=1, max_length=20000),
    document: UploadFile = File(description=f"The signed addendum: {DOCUMENT_HELP}"),
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    paired = pair_quantities(line_no, quantity)
    legacy = parse_quantities(quantities)
    if paired is not None and legacy is not None:
        raise RuleViolation.one(
            "quantities",
            "give either line_no + quantity or the deprecated quantities, not both",
            "isi line_no + quantity atau quantities (usang), jangan keduanya",
        )
    change = AddendumChange(
        quantities=paired if paired is not None else legacy,
        shipping_cost=shipping_cost,
        delivery_deadline=delivery_deadline,
        signatory=signatory,
        terms=terms,
    )
    upload = await checked_document(document, wired)
    outcome = await purchase_order.amend_order(
        wired.unit_of_work, request, package_id, wired.rules, change, reason, upload
    )
    return respond(outcome)
