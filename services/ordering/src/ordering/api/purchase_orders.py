"""Steps 21, 22 and 24a over HTTP: purchase order, acknowledgement, addenda (multipart)."""

import json
import re
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, UploadFile

from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.kernel.actions import ActionRequest
from ordering.api.schemas import MAX_QUANTITY, MAX_RUPIAH
from ordering.api.wiring import Wiring, wiring
from ordering.application import purchase_order
from ordering.domain.purchase_order import AddendumChange

router = APIRouter(prefix="/packages/{package_id}/purchase-order", tags=["purchase order"])
PPK = action_request(Role.PPK)
VENDOR = action_request(Role.VENDOR)


@router.post("", summary="The PPK issues the signed purchase order, Surat Pesanan (21)")
async def issue(
    package_id: UUID,
    signatory: str = Form(min_length=2, max_length=300),
    terms: str = Form(min_length=1, max_length=20000),
    order_date: date | None = Form(default=None),
    document: UploadFile = File(description="The signed purchase order (PDF or image)"),
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    upload = await read_upload(document, wired.max_document_bytes, "document")
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


@router.post("/acknowledge", summary="The vendor acknowledges the purchase order (22)")
async def acknowledge(
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
    if not re.fullmatch(r"[1-9][0-9]{0,6}", key):
        raise ValueError(f"{key!r} is not a line number")
    if type(value) is not int or not 1 <= value <= MAX_QUANTITY:
        raise ValueError(f"line {key}: {value!r} is not a quantity")
    return int(key), value


def parse_quantities(raw: str | None) -> dict[int, int] | None:
    """``{"1": 12, "2": 3}`` (line number -> new quantity), as a form field; anything else
    is a 422 naming ``quantities``. Whether the lines exist is the domain's rule."""
    if raw is None or not raw.strip():
        return None
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return dict(_quantity_entry(key, value) for key, value in data.items())
    except ValueError as error:  # json.JSONDecodeError is a ValueError
        raise Invalid(f"{QUANTITIES_SHAPE} ({error})", field="quantities") from error


@router.post("/addenda", summary="The PPK amends the order with an addendum document (24a)")
async def add_addendum(
    package_id: UUID,
    reason: str = Form(min_length=3, max_length=2000),
    quantities: str | None = Form(default=None, max_length=20000),
    shipping_cost: int | None = Form(default=None, le=MAX_RUPIAH),
    delivery_deadline: date | None = Form(default=None),
    signatory: str | None = Form(default=None, min_length=2, max_length=300),
    terms: str | None = Form(default=None, min_length=1, max_length=20000),
    document: UploadFile = File(description="The signed addendum (PDF or image)"),
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    change = AddendumChange(
        quantities=parse_quantities(quantities),
        shipping_cost=shipping_cost,
        delivery_deadline=delivery_deadline,
        signatory=signatory,
        terms=terms,
    )
    upload = await read_upload(document, wired.max_document_bytes, "document")
    outcome = await purchase_order.amend_order(
        wired.unit_of_work, request, package_id, wired.rules, change, reason, upload
    )
    return respond(outcome)
