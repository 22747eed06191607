"""The shipping history (step 25): append-only entries that never go backwards.

Statuses move forward ``packed`` → ``shipped`` → ``in_transit`` → ``delivered``; steps may be
skipped, ``in_transit`` may repeat (one entry per hub), the others come at most once, and
``delivered`` needs the goods to have been shipped. Times never go backwards either, and
never lie in the future.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from delivery.domain.errors import InvalidInput


class ShipmentStatus(StrEnum):
    PACKED = "packed"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"


ORDER = (
    ShipmentStatus.PACKED,
    ShipmentStatus.SHIPPED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.DELIVERED,
)
REPEATABLE = frozenset({ShipmentStatus.IN_TRANSIT})
# Without a courier there is nothing to track: packing happens before one is known.
NEEDS_COURIER = frozenset(set(ShipmentStatus) - {ShipmentStatus.PACKED})


@dataclass(frozen=True)
class ShippingEntry:
    status: ShipmentStatus
    happened_at: datetime
    courier: str | None = None
    tracking_number: str | None = None
    note: str | None = None


def _rank(status: ShipmentStatus) -> int:
    return ORDER.index(status)


def out_of_order_reason(last: ShippingEntry | None, new: ShipmentStatus) -> str | None:
    """Why ``new`` cannot follow ``last`` in the history, or None when it can."""
    if new is ShipmentStatus.DELIVERED and (
        last is None or _rank(last.status) < _rank(ShipmentStatus.SHIPPED)
    ):
        return "delivered needs a shipped or in_transit entry first"
    if last is None:
        return None
    if _rank(new) < _rank(last.status):
        return f"the shipping history cannot go back from {last.status} to {new}"
    if new is last.status and new not in REPEATABLE:
        return f"{new} is already in the shipping history; only in_transit may repeat"
    return None


def check_entry_facts(last: ShippingEntry | None, entry: ShippingEntry, now: datetime) -> None:
    """The entry's own facts: a courier and tracking number once shipped, a plausible time."""
    if entry.status in NEEDS_COURIER:
        for field, value in (
            ("courier", entry.courier),
            ("tracking_number", entry.tracking_number),
        ):
            if not value or not value.strip():
                raise InvalidInput(f"{field} is required for a {entry.status} entry", field)
    if entry.happened_at > now:
        raise InvalidInput(
            f"happened_at {entry.happened_at.isoformat()} is in the future (now {now.isoformat()})",
            "happened_at",
        )
    if last is not None and entry.happened_at < last.happened_at:
        raise InvalidInput(
            f"happened_at {entry.happened_at.isoformat()} is before the previous entry "
            f"({last.status} at {last.happened_at.isoformat()})",
            "happened_at",
        )
