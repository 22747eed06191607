"""The shipping history (step 25): append-only entries that never go backwards.

Statuses move forward ``packed`` → ``shipped`` → ``in_transit`` → ``delivered``; steps may be
skipped, ``in_transit`` may repeat (one entry per hub), the others come at most once, and
``delivered`` needs the goods to have been shipped. Times never go backwards either, never
lie in the future (beyond :data:`CLOCK_SKEW`, the vendor's device and the server may disagree
a little) and never before the order date (in the service's time zone).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
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
CLOCK_SKEW = timedelta(minutes=5)
WIB = timezone(timedelta(hours=7), "WIB")
STATUS_ID = {
    ShipmentStatus.PACKED: "dikemas",
    ShipmentStatus.SHIPPED: "dikirim",
    ShipmentStatus.IN_TRANSIT: "dalam perjalanan",
    ShipmentStatus.DELIVERED: "diterima",
}


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
    found = out_of_order(last, new)
    return found[0] if found else None


def out_of_order(last: ShippingEntry | None, new: ShipmentStatus) -> tuple[str, str] | None:
    """Why ``new`` cannot follow ``last`` (English, Indonesian), or None when it can."""
    if new is ShipmentStatus.DELIVERED and (
        last is None or _rank(last.status) < _rank(ShipmentStatus.SHIPPED)
    ):
        return (
            "delivered needs a shipped or in_transit entry first",
            "status diterima memerlukan entri dikirim atau dalam perjalanan lebih dahulu",
        )
    if last is None:
        return None
    if _rank(new) < _rank(last.status):
        return (
            f"the shipping history cannot go back from {last.status} to {new}",
            f"riwayat pengiriman tidak dapat mundur dari {STATUS_ID[last.status]} "
            f"ke {STATUS_ID[new]}",
        )
    if new is last.status and new not in REPEATABLE:
        return (
            f"{new} is already in the shipping history; only in_transit may repeat",
            f"status {STATUS_ID[new]} sudah ada di riwayat pengiriman; hanya status dalam "
            "perjalanan yang boleh berulang",
        )
    return None


def check_entry_facts(
    last: ShippingEntry | None,
    entry: ShippingEntry,
    now: datetime,
    order_date: date | None = None,
    local_zone: tzinfo = WIB,
) -> None:
    """The entry's own facts: a courier and tracking number once shipped, a plausible time
    (not after ``now`` plus the clock skew, not before ``order_date``, not before the
    previous entry)."""
    if entry.status in NEEDS_COURIER:
        names = {"courier": "kurir", "tracking_number": "nomor resi"}
        for field, value in (
            ("courier", entry.courier),
            ("tracking_number", entry.tracking_number),
        ):
            if not value or not value.strip():
                raise InvalidInput(
                    f"{field} is required for a {entry.status} entry",
                    field,
                    f"{names[field]} wajib diisi untuk entri {STATUS_ID[entry.status]}",
                )
    at = entry.happened_at.isoformat()
    if entry.happened_at > now + CLOCK_SKEW:
        raise InvalidInput(
            f"happened_at {at} is in the future (now {now.isoformat()})",
            "happened_at",
            f"waktu kejadian {at} ada di masa depan (sekarang {now.isoformat()})",
        )
    if order_date is not None and entry.happened_at.astimezone(local_zone).date() < order_date:
        raise InvalidInput(
            f"happened_at {at} is before the order date {order_date.isoformat()}",
            "happened_at",
            f"waktu kejadian {at} sebelum tanggal Surat Pesanan {order_date.isoformat()}",
        )
    if last is not None and entry.happened_at < last.happened_at:
        previous = last.happened_at.isoformat()
        raise InvalidInput(
            f"happened_at {at} is before the previous entry ({last.status} at {previous})",
            "happened_at",
            f"waktu kejadian {at} sebelum entri sebelumnya "
            f"({STATUS_ID[last.status]} pada {previous})",
        )
