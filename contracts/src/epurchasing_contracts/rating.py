"""Events the rating service publishes (SOP step 27 and 11b).

The blacklist events are consumed by the competition service (keep their fields); the rating
and review events are for outside subscribers. Weighted results are exact decimals, carried as
JSON strings (``"2.60"``), beside the integer points and weight total they come from.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from epurchasing_contracts.common import Party, StepOverdue
from epurchasing_contracts.envelope import EventPayload


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


class VendorRated(EventPayload):
    """Step 27: the PPK rated the vendor's performance on one completed package."""

    event_type: ClassVar[str] = "rating.vendor_rated.v1"

    rating_id: UUID
    package_id: UUID
    vendor_id: UUID
    vendor_name: str
    ppk: Party
    work_unit: str
    scores: dict[str, int]  # criterion key -> score on the scale
    weights: dict[str, int]  # criterion key -> weight used for this rating
    scale_min: int
    scale_max: int
    weighted_points: int  # sum of weight x score
    weight_total: int  # sum of the weights
    weighted_result: Decimal  # weighted_points / weight_total, 2 decimals, half up
    comment: str | None = None
    rated_at: datetime


class VendorFlaggedForReview(EventPayload):
    """The vendor's average fell below the review threshold (blacklisting stays human)."""

    event_type: ClassVar[str] = "rating.vendor_flagged_for_review.v1"

    vendor_id: UUID
    vendor_name: str | None = None
    average: Decimal  # 2 decimals, half up; the comparison itself is exact
    rating_count: int
    threshold: Decimal
    minimum_ratings: int
    rating_id: UUID  # the rating that made the average cross the threshold
    flagged_at: datetime


class RatingStepOverdue(StepOverdue):
    """A turn of the rating service's SOP steps passed its due time (see ``StepOverdue``)."""

    event_type: ClassVar[str] = "rating.step_overdue.v1"
