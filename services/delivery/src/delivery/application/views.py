"""Read models of the fulfilment, as the API returns them (also stored for idempotent replays)."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from delivery.application.ports import DeliveryUnitOfWork, Row
from delivery.domain.shipping import ShipmentStatus
from delivery.domain.states import FULFILMENT, FulfilmentState
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import turn_view
from epurchasing_shared.principal import Principal


class DocumentView(BaseModel):
    """A stored document (delivery document, BAP, BAST, payment document, receipt); download it
    from ``GET /fulfilments/{procurement_id}/documents/{id}``."""

    id: UUID
    kind: str = Field(examples=["bast"])
    filename: str = Field(examples=["bast.pdf"])
    media_type: Literal["application/pdf", "image/png", "image/jpeg"] = Field(
        examples=["application/pdf"]
    )
    size: int = Field(examples=[48213])
    sha256: str = Field(
        examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]
    )


class PartyView(BaseModel):
    id: str = Field(examples=["ppk-dinkes-1"])
    name: str = Field(examples=["Budi Santoso (PPK Dinas Kesehatan)"])


class VendorView(BaseModel):
    id: UUID
    name: str = Field(examples=["CV Maju Jaya"])


class OrderLineView(BaseModel):
    """One line of the purchase order (Surat Pesanan) the fulfilment follows."""

    model_config = ConfigDict(extra="allow")

    line_no: int = Field(examples=[1])
    product_id: UUID | None = None
    description: str = Field(examples=["Laptop 14 inci, Core i5, RAM 16 GB"])
    quantity: int = Field(examples=[10])
    unit: str = Field(examples=["unit"])
    unit_price: int = Field(examples=[12_500_000], description="Whole rupiah.")
    line_total: int = Field(examples=[125_000_000], description="Whole rupiah.")


class OrderView(BaseModel):
    order_id: UUID
    order_number: str = Field(examples=["SP-2026-001"])
    order_date: date
    version: int
    total: int = Field(description="Whole rupiah.", examples=[125_050_000])
    shipping_cost: int = Field(description="Whole rupiah.", examples=[50_000])
    pagu: int = Field(description="Whole rupiah.", examples=[150_000_000])
    lines: list[OrderLineView]
    delivery_address: str = Field(examples=["Dinas Kesehatan, Jl. Raya Mojosari 12, Mojokerto"])
    delivery_deadline: date


class ShipmentView(BaseModel):
    """One entry of the shipping history (step 25).

    At ``/fulfilments/{id}/shipments/{entry_no}``."""

    entry_no: int = Field(examples=[2])
    status: ShipmentStatus
    courier: str | None = Field(examples=["JNE Trucking"])
    tracking_number: str | None = Field(examples=["JT0012345678"])
    happened_at: datetime
    note: str | None = Field(examples=["diserahkan ke kurir, surat jalan terlampir"])
    document: DocumentView | None
    recorded_by: str
    recorded_at: datetime


class PaymentView(BaseModel):
    """One payment (instalment, step 26), at ``/fulfilments/{id}/payments/{payment_no}``."""

    payment_no: int = Field(examples=[1])
    amount: int = Field(description="Whole rupiah.", examples=[62_525_000])
    paid_so_far: int = Field(description="Whole rupiah, this payment included.")
    order_total: int = Field(description="Whole rupiah.")
    note: str | None = Field(examples=["termin 1 dari 2, SP2D terlampir"])
    payment_document: DocumentView
    receipt: DocumentView
    recorded_by: str
    recorded_at: datetime


class ReceiptOfGoodsView(BaseModel):
    """The BAP (inspection) or the BAST (handover) with its document."""

    document: DocumentView
    note: str | None = Field(examples=["barang sesuai spesifikasi, 10 unit lengkap"])
    recorded_by: str
    recorded_at: datetime


class TurnView(BaseModel):
    """Whose turn it is now: the SOP step they must do next and by when (the SOP's *Waktu* in
    working days, from the transition table; due at the end of the last working day, WIB)."""

    sop_step: str = Field(examples=["26"])
    actor_role: Literal["vendor", "ppk"] = Field(examples=["ppk"])
    actor_id: str | None = Field(
        description="The vendor id on a vendor's turn; the PPK's user id on the PPK's.",
        examples=["ppk-dinkes-1"],
    )
    work_unit: str | None = Field(examples=["dinkes"])
    started_at: datetime
    due_at: datetime = Field(examples=["2026-03-31T23:59:59.999999+07:00"])
    overdue: bool = Field(description="Still open after `due_at`.")


class FulfilmentSummary(BaseModel):
    procurement_id: UUID
    package_id: UUID
    work_unit: str = Field(examples=["dinkes"])
    ppk: PartyView
    vendor: VendorView
    state: FulfilmentState
    version: int = Field(description="The version to send in `If-Match` (also the `ETag`).")
    order: OrderView
    paid_total: int = Field(description="Whole rupiah.")
    remaining: int = Field(description="Whole rupiah still to pay.")
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str] = Field(
        description="What the caller may do now (the transition table, for the caller's role).",
        examples=[["record_shipment"]],
    )
    turn: TurnView | None = Field(
        description="Whose turn it is, for which SOP step, due when; null once completed (or "
        "while ordering still waits for the vendor's acknowledgement, 22)."
    )


class FulfilmentDetail(FulfilmentSummary):
    shipments: list[ShipmentView]
    payments: list[PaymentView]
    bap: ReceiptOfGoodsView | None
    bast: ReceiptOfGoodsView | None


class FulfilmentPage(BaseModel):
    items: list[FulfilmentSummary]
    next_cursor: str | None


def not_found(procurement_id: UUID) -> NotFound:
    return NotFound(
        f"fulfilment {procurement_id} not found",
        f"pelaksanaan pesanan {procurement_id} tidak ditemukan",
    )


def summary(row: Row, principal: Principal, now: datetime) -> FulfilmentSummary:
    """A fulfilment row as its caller sees it (allowed actions for the caller's role; the
    row's open turn, ``turn``, overdue or not at ``now``)."""
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
        turn=turn_view(row.get("turn"), now),
    )


def _receipt(rows: list[Row], kind: str) -> ReceiptOfGoodsView | None:
    found = next((r for r in rows if r["kind"] == kind), None)
    return ReceiptOfGoodsView.model_validate(dict(found)) if found else None


def detail_of(row: Row, principal: Principal, now: datetime) -> FulfilmentDetail:
    """A detail row (the fulfilment's columns, its open ``turn``, its ``shipments``,
    ``payments`` and ``receipts`` rows) as its caller sees it."""
    return FulfilmentDetail(
        **summary(row, principal, now).model_dump(),
        shipments=[ShipmentView.model_validate(dict(r)) for r in row["shipments"]],
        payments=[PaymentView.model_validate(dict(r)) for r in row["payments"]],
        bap=_receipt(row["receipts"], "bap"),
        bast=_receipt(row["receipts"], "bast"),
    )


async def fulfilment_detail(
    uow: DeliveryUnitOfWork, principal: Principal, procurement_id: UUID
) -> FulfilmentDetail:
    """One fulfilment with its shipping history, payments, BAP and BAST; 404 if not visible."""
    row = await uow.fulfilments.detail_visible(principal, procurement_id)
    if row is None:
        raise not_found(procurement_id)
    return detail_of(row, principal, uow.now())
