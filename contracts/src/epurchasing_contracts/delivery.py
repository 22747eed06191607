"""Events the delivery service publishes (SOP steps 23, 25–27).

``delivery.package_completed.v1`` is consumed by rating, ordering and competition; the others
are published for outside subscribers (dashboards, the archive, a finance system).
"""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from epurchasing_contracts.common import Party, Rupiah, StepOverdue, VendorRef
from epurchasing_contracts.envelope import EventPayload

ShipmentStatus = Literal["packed", "shipped", "in_transit", "delivered"]


class DocumentReference(BaseModel):
    """A stored document (delivery document, BAP, BAST, payment document, receipt)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str


class PreparationStarted(EventPayload):
    """The vendor started preparing the ordered goods (step 23)."""

    event_type: ClassVar[str] = "delivery.preparation_started.v1"

    package_id: UUID
    order_id: UUID
    order_number: str
    order_version: int
    vendor_id: UUID
    started_at: datetime


class ShipmentRecorded(EventPayload):
    """The vendor added an entry to the shipping history (step 25)."""

    event_type: ClassVar[str] = "delivery.shipment_recorded.v1"

    package_id: UUID
    order_id: UUID
    entry_no: int
    status: ShipmentStatus
    courier: str | None
    tracking_number: str | None
    happened_at: datetime
    note: str | None = None
    document: DocumentReference | None = None
    recorded_at: datetime


class GoodsInspected(EventPayload):
    """The PPK inspected the delivered goods and uploaded the BAP (step 26)."""

    event_type: ClassVar[str] = "delivery.goods_inspected.v1"

    package_id: UUID
    order_id: UUID
    bap: DocumentReference
    note: str | None = None
    inspected_at: datetime


class GoodsHandedOver(EventPayload):
    """The goods were handed over to the PPK, with the BAST (step 26)."""

    event_type: ClassVar[str] = "delivery.goods_handed_over.v1"

    package_id: UUID
    order_id: UUID
    bast: DocumentReference
    note: str | None = None
    handed_over_at: datetime


class PaymentRecorded(EventPayload):
    """The PPK recorded a payment (one instalment) with its document and receipt (step 26)."""

    event_type: ClassVar[str] = "delivery.payment_recorded.v1"

    package_id: UUID
    order_id: UUID
    payment_no: int
    amount: Rupiah
    paid_so_far: Rupiah
    order_total: Rupiah
    remaining: Rupiah
    fully_paid: bool
    payment_document: DocumentReference
    receipt: DocumentReference
    recorded_at: datetime


class PackageCompleted(EventPayload):
    """The PPK completed the package once paid (step 27): what the vendor rating needs."""

    event_type: ClassVar[str] = "delivery.package_completed.v1"

    package_id: UUID
    order_id: UUID
    order_number: str
    vendor: VendorRef
    ppk: Party
    work_unit: str
    order_total: Rupiah
    promised_delivery_date: date
    actual_delivery_date: date
    on_time: bool
    completed_at: datetime


class DeliveryStepOverdue(StepOverdue):
    """A turn of the delivery service's SOP steps passed its due time (see ``StepOverdue``)."""

    event_type: ClassVar[str] = "delivery.step_overdue.v1"
