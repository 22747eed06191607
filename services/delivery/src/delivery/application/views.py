"""Read models of the fulfilment, as the API returns them (also stored for idempotent replays)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from delivery.application.ports import DeliveryUnitOfWork, Row
from delivery.domain.states import FULFILMENT
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.principal import Principal


class OrderView(BaseModel):
    order_id: UUID
    order_number: str
    order_date: date
    version: int
    total: int
    shipping_cost: int
    pagu: int
    lines: list[dict[str, Any]]
    delivery_address: str
    delivery_deadline: date


class ShipmentView(BaseModel):
    entry_no: int
    status: str
    courier: str | None
    tracking_number: str | None
    happened_at: datetime
    note: str | None
    document: dict[str, Any] | None
    recorded_by: str
    recorded_at: datetime


class PaymentView(BaseModel):
    payment_no: int
    amount: int
    paid_so_far: int
    order_total: int
    note: str | None
    payment_document: dict[str, Any]
    receipt: dict[str, Any]
    recorded_by: str
    recorded_at: datetime


class ReceiptOfGoodsView(BaseModel):
    document: dict[str, Any]
    note: str | None
    recorded_by: str
    recorded_at: datetime


class FulfilmentSummary(BaseModel):
    procurement_id: UUID
    package_id: UUID
    work_unit: str
    ppk: dict[str, str]
    vendor: dict[str, Any]
    state: str
    version: int
    order: OrderView
    paid_total: int
    remaining: int
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]


class FulfilmentDetail(FulfilmentSummary):
    shipments: list[ShipmentView]
    payments: list[PaymentView]
    bap: ReceiptOfGoodsView | None
    bast: ReceiptOfGoodsView | None


class FulfilmentPage(BaseModel):
    items: list[FulfilmentSummary]
    next_cursor: str | None


def summary(row: Row, principal: Principal) -> FulfilmentSummary:
    """A fulfilment row as its caller sees it (allowed actions for the caller's role)."""
    return FulfilmentSummary(
        procurement_id=row["procurement_id"],
        package_id=row["package_id"],
        work_unit=row["work_unit"],
        ppk={"id": row["ppk_id"], "name": row["ppk_name"]},
        vendor={"id": str(row["vendor_id"]), "name": row["vendor_name"]},
        state=row["state"],
        version=row["version"],
        order=OrderView(
            order_id=row["order_id"],
            order_number=row["order_number"],
            order_date=row["order_date"],
            version=row["order_version"],
            total=row["order_total"],
            shipping_cost=row["shipping_cost"],
            pagu=row["pagu"],
            lines=row["lines"],
            delivery_address=row["delivery_address"],
            delivery_deadline=row["delivery_deadline"],
        ),
        paid_total=row["paid_total"],
        remaining=row["order_total"] - row["paid_total"],
        delivered_at=row["delivered_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        allowed_actions=FULFILMENT.allowed_actions(row["state"], principal.role),
    )


def _receipt(rows: list[Row], kind: str) -> ReceiptOfGoodsView | None:
    found = next((r for r in rows if r["kind"] == kind), None)
    return ReceiptOfGoodsView.model_validate(dict(found)) if found else None


async def fulfilment_detail(
    uow: DeliveryUnitOfWork, principal: Principal, procurement_id: UUID
) -> FulfilmentDetail:
    """One fulfilment with its shipping history, payments, BAP and BAST; 404 if not visible."""
    row = await uow.fulfilments.find_visible(principal, procurement_id)
    if row is None:
        raise NotFound(f"fulfilment {procurement_id} not found")
    more = await uow.fulfilments.details(procurement_id)
    return FulfilmentDetail(
        **summary(row, principal).model_dump(),
        shipments=[ShipmentView.model_validate(dict(r)) for r in more["shipments"]],
        payments=[PaymentView.model_validate(dict(r)) for r in more["payments"]],
        bap=_receipt(more["receipts"], "bap"),
        bast=_receipt(more["receipts"], "bast"),
    )
