"""Events the delivery service publishes (SOP steps 23, 25–27).

The ones other services consume are defined here first; the delivery service adds the rest.
"""

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from epurchasing_shared.contracts.common import Party, Rupiah, VendorRef
from epurchasing_shared.contracts.envelope import EventPayload


class PackageCompleted(EventPayload):
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
