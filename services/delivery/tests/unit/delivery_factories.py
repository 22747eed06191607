"""Builders of fulfilments for the unit tests (pure domain objects, no I/O)."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from delivery.domain.fulfilment import Fulfilment, OrderTerms
from delivery.domain.shipping import ShipmentStatus, ShippingEntry
from delivery.domain.states import FulfilmentState

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def terms(version: int = 1, total: int = 1_000_000, deadline: date = date(2026, 3, 10)):
    return OrderTerms(
        version=version, total=total, shipping_cost=50_000, delivery_deadline=deadline
    )


def fulfilment(
    state: FulfilmentState = FulfilmentState.AWAITING_ACKNOWLEDGEMENT, **kw
) -> Fulfilment:
    made = Fulfilment(
        procurement_id=uuid4(),
        package_id=uuid4(),
        order_id=uuid4(),
        order_number="SP-001",
        work_unit="dinkes",
        ppk_id="ppk-1",
        ppk_name="Budi",
        vendor_id=uuid4(),
        vendor_name="CV Maju",
        order=kw.pop("order", terms()),
        order_date=date(2026, 3, 1),
        pagu=1_200_000,
        delivery_address="Jl. Merdeka 1",
        state=state,
        **kw,
    )
    return made


def entry(status: str, minutes: int = 0, **kw) -> ShippingEntry:
    courier = None if status == "packed" else "JNE"
    return ShippingEntry(
        status=ShipmentStatus(status),
        happened_at=NOW - timedelta(hours=6) + timedelta(minutes=minutes),
        courier=kw.pop("courier", courier),
        tracking_number=kw.pop("tracking_number", "TRK1" if courier else None),
        **kw,
    )


def delivered(at: datetime = NOW - timedelta(hours=1)) -> Fulfilment:
    """A fulfilment whose goods were shipped and delivered at ``at``."""
    made = fulfilment(FulfilmentState.PREPARING)
    now = max(NOW, at)
    shipped = ShippingEntry(ShipmentStatus.SHIPPED, at - timedelta(hours=5), "JNE", "TRK1")
    made.record_shipment(shipped, now)
    made.record_shipment(ShippingEntry(ShipmentStatus.DELIVERED, at, "JNE", "TRK1"), now)
    return made


BAST_AT = NOW  # when handed_over() records the BAST
BEFORE_BAST = BAST_AT - timedelta(minutes=5)  # an addendum committed while still amendable


def handed_over(total: int = 1_000_000) -> Fulfilment:
    made = delivered()
    made.order = terms(total=total)
    made.inspect_goods()
    made.hand_over_goods(BAST_AT)
    return made
