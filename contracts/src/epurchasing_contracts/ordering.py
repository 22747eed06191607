"""Events the ordering service publishes (SOP steps 14–22, 24a).

The ones other services consume (package_cancelled, order_*) came first; the rest document the
package's progress for outside subscribers (dashboards, archive, OCDS publisher).
"""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from epurchasing_contracts.common import OrderLine, Party, Rupiah, StepOverdue, VendorRef
from epurchasing_contracts.envelope import EventPayload


class ItemPrice(BaseModel):
    """A negotiated unit price of one package line."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    line_no: int = Field(ge=1)
    unit_price: Rupiah = Field(ge=0)


class PackageReceived(EventPayload):
    """Step 13: the package competition generated has arrived in ordering; it is now the
    procurement official's turn to process it (step 14)."""

    event_type: ClassVar[str] = "ordering.package_received.v1"

    package_id: UUID
    competition_id: UUID
    work_unit: str
    official: Party
    vendor: VendorRef


class PackageProcessing(EventPayload):
    event_type: ClassVar[str] = "ordering.package_processing.v1"

    package_id: UUID
    work_unit: str
    official: Party
    vendor: VendorRef


class VendorNotified(EventPayload):
    event_type: ClassVar[str] = "ordering.vendor_notified.v1"

    package_id: UUID
    vendor_id: UUID
    recipient: str
    message_id: str
    attempts: int
    sent_at: datetime


class NegotiationProposed(EventPayload):
    event_type: ClassVar[str] = "ordering.negotiation_proposed.v1"

    package_id: UUID
    round: int
    prices: list[ItemPrice]
    shipping_cost: Rupiah
    total: Rupiah


class NegotiationRejected(EventPayload):
    event_type: ClassVar[str] = "ordering.negotiation_rejected.v1"

    package_id: UUID
    round: int
    counter_prices: list[ItemPrice] | None = None
    counter_shipping_cost: Rupiah | None = None
    reason: str | None = None


class NegotiationAgreed(EventPayload):
    event_type: ClassVar[str] = "ordering.negotiation_agreed.v1"

    package_id: UUID
    round: int
    # vendor_accepted: the vendor accepted the official's proposal;
    # counter_accepted: the official accepted the vendor's counter-prices.
    agreed_by: Literal["vendor_accepted", "counter_accepted"]
    lines: list[OrderLine]
    shipping_cost: Rupiah
    total: Rupiah


class VendorApproved(EventPayload):
    event_type: ClassVar[str] = "ordering.vendor_approved.v1"

    package_id: UUID
    vendor: VendorRef
    lines: list[OrderLine]
    shipping_cost: Rupiah
    total: Rupiah


class PackageSentToPpk(EventPayload):
    event_type: ClassVar[str] = "ordering.package_sent_to_ppk.v1"

    package_id: UUID
    ppk: Party
    total: Rupiah


class PackageApproved(EventPayload):
    event_type: ClassVar[str] = "ordering.package_approved.v1"

    package_id: UUID
    ppk: Party
    total: Rupiah


class PackageCancelled(EventPayload):
    event_type: ClassVar[str] = "ordering.package_cancelled.v1"

    package_id: UUID
    purchase_request_id: UUID
    competition_id: UUID
    reason: str
    cancelled_at: datetime


class OrderIssued(EventPayload):
    event_type: ClassVar[str] = "ordering.order_issued.v1"

    package_id: UUID
    order_id: UUID
    order_number: str
    version: int
    order_date: date
    work_unit: str
    ppk: Party
    vendor: VendorRef
    lines: list[OrderLine]
    shipping_cost: Rupiah
    total: Rupiah
    pagu: Rupiah
    delivery_address: str
    delivery_deadline: date


class OrderAcknowledged(EventPayload):
    event_type: ClassVar[str] = "ordering.order_acknowledged.v1"

    package_id: UUID
    order_id: UUID
    order_number: str
    version: int
    acknowledged_at: datetime


class OrderAmended(EventPayload):
    event_type: ClassVar[str] = "ordering.order_amended.v1"

    package_id: UUID
    order_id: UUID
    order_number: str
    version: int
    lines: list[OrderLine]
    shipping_cost: Rupiah
    total: Rupiah
    delivery_deadline: date
    reason: str | None = None


class OrderingStepOverdue(StepOverdue):
    """A turn of the ordering service's SOP steps passed its due time (see ``StepOverdue``)."""

    event_type: ClassVar[str] = "ordering.step_overdue.v1"
