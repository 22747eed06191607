"""Events the rating service publishes (SOP step 27 and 11b).

The blacklist events are consumed by the competition service; the rating service adds the rest.
"""

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from epurchasing_shared.contracts.envelope import EventPayload


class VendorBlacklisted(EventPayload):
    event_type: ClassVar[str] = "rating.vendor_blacklisted.v1"

    entry_id: UUID
    vendor_id: UUID
    vendor_name: str | None = None
    reason: str
    decree_reference: str
    starts_on: date
    ends_on: date | None = None
    recorded_at: datetime


class VendorBlacklistLifted(EventPayload):
    event_type: ClassVar[str] = "rating.vendor_blacklist_lifted.v1"

    entry_id: UUID
    vendor_id: UUID
    reason: str
    lifted_at: datetime
