"""Events the ordering service publishes (SOP steps 14–22, 24a).

The ones other services consume are defined here first; the ordering service adds the rest.
"""

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from epurchasing_shared.contracts.common import OrderLine, Party, Rupiah, VendorRef
from epurchasing_shared.contracts.envelope import EventPayload


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
