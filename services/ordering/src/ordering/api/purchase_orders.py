"""Steps 21, 22 and 24a over HTTP: purchase order, acknowledgement, addenda (multipart)."""

import json
from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, UploadFile

from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.documents import read_upload
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.service import Runtime, get_runtime
from ordering.api.common import act, if_match, make_request, request_id
from ordering.application import purchase_order
from ordering.domain.purchase_order import AddendumChange

router = APIRouter(prefix="/packages/{package_id}/purchase-order", tags=["purchase order"])
PPK = require_roles(Role.PPK)
VENDOR = require_roles(Role.VENDOR)


@router.post("", summary="The PPK issues the signed purchase order, Surat Pesanan (21)")
async def issue(
    package_id: UUID,
    signatory: str = Form(min_length=2, max_length=300),
    terms: str = Form(min_length=1, max_length=20000),
    order_date: date | None = Form(default=None),
    document: UploadFile = File(description="The signed purchase order (PDF or image)"),
    principal: Principal = Depends(PPK),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    upload = await read_upload(document, runtime.settings.max_document_bytes, "document")
    request = make_request(principal, package_id, causation, version)
    return await act(
        runtime,
        request,
        key,
        lambda s: purchase_order.issue_purchase_order(
            s,
            runtime,
            request,
            signatory=signatory,
            terms=terms,
            order_date=order_date,
            upload=upload,
        ),
    )


@router.post("/acknowledge", summary="The vendor acknowledges the purchase order (22)")
async def acknowledge(
    package_id: UUID,
    principal: Principal = Depends(VENDOR),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    request = make_request(principal, package_id, causation, version)
    return await act(
        runtime, request, key, lambda s: purchase_order.acknowledge_order(s, runtime, request)
    )


def parse_quantities(raw: str | None) -> dict[int, int] | None:
    """``{"1": 12, "2": 3}`` (line number -> new quantity), as a form field."""
    if raw is None or not raw.strip():
        return None
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError
        return {int(k): int(v) for k, v in data.items()}
    except (ValueError, TypeError) as error:
        raise Invalid(
            'quantities must be a JSON object of line number to quantity, e.g. {"1": 12}',
            field="quantities",
        ) from error


@router.post("/addenda", summary="The PPK amends the order with an addendum document (24a)")
async def add_addendum(
    package_id: UUID,
    reason: str = Form(min_length=3, max_length=2000),
    quantities: str | None = Form(default=None, max_length=20000),
    shipping_cost: int | None = Form(default=None),
    delivery_deadline: date | None = Form(default=None),
    signatory: str | None = Form(default=None, min_length=2, max_length=300),
    terms: str | None = Form(default=None, min_length=1, max_length=20000),
    document: UploadFile = File(description="The signed addendum (PDF or image)"),
    principal: Principal = Depends(PPK),
    key: IdempotencyKey = Depends(idempotency_key),
    version: int | None = Depends(if_match),
    causation: str = Depends(request_id),
    runtime: Runtime = Depends(get_runtime),
) -> Any:
    change = AddendumChange(
        quantities=parse_quantities(quantities),
        shipping_cost=shipping_cost,
        delivery_deadline=delivery_deadline,
        signatory=signatory,
        terms=terms,
    )
    upload = await read_upload(document, runtime.settings.max_document_bytes, "document")
    request = make_request(principal, package_id, causation, version)
    return await act(
        runtime,
        request,
        key,
        lambda s: purchase_order.amend_order(s, runtime, request, change, reason, upload),
    )
