"""The fulfilment aggregate: one purchase order being delivered, received and paid.

It follows the latest version of the order it was opened for (addenda, 24a) and moves along
the transitions of ``states.py``; every method returns the :class:`Change` it made so the
application layer can write history and events from it.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any
from uuid import UUID

from delivery.domain.amendments import addendum_after_bast_reason
from delivery.domain.errors import ShippingOutOfOrder
from delivery.domain.payments import PaymentFigures, check_payment
from delivery.domain.shipping import (
    ShipmentStatus,
    ShippingEntry,
    check_entry_facts,
    out_of_order_reason,
)
from delivery.domain.states import (
    AMENDABLE_STATES,
    FulfilmentState,
    allowed_actions,
    require_transition,
)


@dataclass(frozen=True)
class OrderTerms:
    """The version of the purchase order (Surat Pesanan) the fulfilment follows."""

    version: int
    total: int
    shipping_cost: int
    delivery_deadline: date
    lines: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Change:
    action: str
    from_state: FulfilmentState
    to_state: FulfilmentState
    sop_step: str


@dataclass(frozen=True)
class Completion:
    actual_delivery_date: date
    promised_delivery_date: date

    @property
    def on_time(self) -> bool:
        return self.actual_delivery_date <= self.promised_delivery_date


class AmendmentResult(StrEnum):
    APPLIED = "applied"
    STALE = "stale"  # an older (or the same) order version: already superseded
    NOT_APPLIED = "not_applied"  # a newer version the fulfilment can no longer follow


@dataclass(frozen=True)
class AmendmentOutcome:
    result: AmendmentResult
    reason: str | None = None
    change: Change | None = None  # only when the new total equals what is already paid


@dataclass
class Fulfilment:
    procurement_id: UUID
    package_id: UUID
    order_id: UUID
    order_number: str
    work_unit: str
    ppk_id: str
    ppk_name: str
    vendor_id: UUID
    vendor_name: str
    order: OrderTerms
    # Facts of the order kept for the record; no rule depends on them.
    order_date: date
    pagu: int
    delivery_address: str
    vendor_email: str | None = None
    state: FulfilmentState = FulfilmentState.AWAITING_ACKNOWLEDGEMENT
    version: int = 1
    paid_total: int = 0
    last_entry: ShippingEntry | None = None
    shipment_count: int = 0
    payment_count: int = 0
    delivered_at: datetime | None = None
    handed_over_at: datetime | None = None  # when the BAST was recorded (ends addenda, 24a)
    changes: list[Change] = field(default_factory=list)

    def allowed_actions(self, role: str) -> list[str]:
        return allowed_actions(self.state, role)

    def _move(self, action: str, to_state: FulfilmentState) -> Change:
        transition = require_transition(action, self.state)
        assert to_state in transition.to_states, f"{action} cannot lead to {to_state}"
        change = Change(action, self.state, to_state, transition.sop_step)
        self.state = to_state
        self.version += 1
        self.changes.append(change)
        return change

    def acknowledge_order(self) -> Change | None:
        """The vendor acknowledged the order (22); None when that is already known."""
        if self.state is not FulfilmentState.AWAITING_ACKNOWLEDGEMENT:
            return None
        return self._move("acknowledge_order", FulfilmentState.READY_FOR_PREPARATION)

    def start_preparation(self) -> Change:
        return self._move("start_preparation", FulfilmentState.PREPARING)

    def record_shipment(self, entry: ShippingEntry, now: datetime) -> Change:
        """Append an entry to the shipping history (25); ``delivered`` ends the shipping."""
        require_transition("record_shipment", self.state)
        reason = out_of_order_reason(self.last_entry, entry.status)
        if reason:
            actions = self.allowed_actions("vendor")
            raise ShippingOutOfOrder(reason, "record_shipment", self.state.value, actions)
        check_entry_facts(self.last_entry, entry, now)
        delivered = entry.status is ShipmentStatus.DELIVERED
        to_state = FulfilmentState.DELIVERED if delivered else FulfilmentState.SHIPPING
        change = self._move("record_shipment", to_state)
        self.last_entry = entry
        self.shipment_count += 1
        if delivered:
            self.delivered_at = entry.happened_at
        return change

    def inspect_goods(self) -> Change:
        return self._move("inspect_goods", FulfilmentState.INSPECTED)

    def hand_over_goods(self, now: datetime) -> Change:
        """Step 26: the BAST is recorded at ``now``; addenda committed from then on are refused."""
        change = self._move("hand_over_goods", FulfilmentState.HANDED_OVER)
        self.handed_over_at = now
        return change

    def record_payment(self, amount: int) -> tuple[Change, PaymentFigures]:
        """One instalment (26) against the current order total; ``paid`` when it adds up."""
        require_transition("record_payment", self.state)
        figures = check_payment(amount, self.paid_total, self.order.total)
        to_state = FulfilmentState.PAID if figures.settles else FulfilmentState.HANDED_OVER
        change = self._move("record_payment", to_state)
        self.paid_total = figures.paid_so_far
        self.payment_count += 1
        return change, figures

    def complete_package(self, local_zone: tzinfo) -> tuple[Change, Completion]:
        """Completion (27): compares the ``delivered`` entry's local date with the deadline."""
        change = self._move("complete_package", FulfilmentState.COMPLETED)
        assert self.delivered_at is not None, "a paid fulfilment was delivered"
        completion = Completion(
            actual_delivery_date=self.delivered_at.astimezone(local_zone).date(),
            promised_delivery_date=self.order.delivery_deadline,
        )
        return change, completion

    def follow_amendment(self, terms: OrderTerms, committed_at: datetime) -> AmendmentOutcome:
        """Follow an addendum (24a): the newest order version wins, older ones change nothing.

        ``committed_at`` is when ordering committed the addendum: one committed at or after the
        BAST is not applied (addenda only before BAST), even though ordering accepted it; one
        committed before the BAST but arriving after it is followed. Once paid in full the money
        is settled and a later addendum is not followed, nor one whose total is below what has
        already been paid: those are reported, not applied.
        """
        if terms.version <= self.order.version:
            return AmendmentOutcome(AmendmentResult.STALE)
        after_bast = addendum_after_bast_reason(terms.version, committed_at, self.handed_over_at)
        if after_bast:
            return AmendmentOutcome(AmendmentResult.NOT_APPLIED, after_bast)
        if self.state not in AMENDABLE_STATES:
            return AmendmentOutcome(
                AmendmentResult.NOT_APPLIED,
                f"order version {terms.version} arrived while the fulfilment is {self.state}",
            )
        if terms.total < self.paid_total:
            return AmendmentOutcome(
                AmendmentResult.NOT_APPLIED,
                f"order version {terms.version} has total {terms.total}, "
                f"below the {self.paid_total} already paid",
            )
        self.order = replace(terms)
        self.version += 1
        change = None
        if self.state is FulfilmentState.HANDED_OVER and 0 < self.paid_total == terms.total:
            change = self._move("settle_by_addendum", FulfilmentState.PAID)
        return AmendmentOutcome(AmendmentResult.APPLIED, change=change)
