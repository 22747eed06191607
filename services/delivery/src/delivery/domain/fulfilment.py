"""The fulfilment aggregate: one purchase order being delivered, received and paid.

It follows the latest version of the order it was opened for (addenda, 24a) and moves along
the transitions of ``states.py``; every method returns the :class:`Change` taken from that
table, so the application layer writes history and events from it. A method given the acting
``role`` refuses (RoleNotAllowed) an action that is not that role's.
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
    WIB,
    ShipmentStatus,
    ShippingEntry,
    check_entry_facts,
    out_of_order,
)
from delivery.domain.states import FULFILMENT, PPK, TURN_ON_TARGET, VENDOR, FulfilmentState
from epurchasing_shared.kernel.states import Change, Turn, with_time_standard
from epurchasing_shared.principal import Principal, Role


@dataclass(frozen=True)
class OrderTerms:
    """The version of the purchase order (Surat Pesanan) the fulfilment follows."""

    version: int
    total: int
    shipping_cost: int
    delivery_deadline: date
    lines: tuple[dict[str, Any], ...] = ()


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
    # The history entry: follow_amendment (applied) or amendment_not_applied; None when stale.
    noted: Change | None = None


def _actor(action: str, role: str | None) -> str:
    """The acting role; when none is given, the action's own (so a refusal names what that
    role may do instead)."""
    return role if role is not None else min(FULFILMENT[action].roles)


def holds_turn(principal: Principal, turn: Turn | None) -> bool:
    """Whether ``turn`` is the caller's own ("my work"): a vendor's turn whose actor id is the
    caller's vendor id; a PPK's turn of the caller's work unit and user id. Auditors and
    admins hold no turn."""
    if turn is None:
        return False
    if principal.role is Role.VENDOR:
        return (
            turn.actor_role == VENDOR
            and principal.vendor_id is not None
            and turn.actor_id == str(principal.vendor_id)
        )
    if principal.role is Role.PPK:
        return (
            turn.actor_role == PPK
            and turn.work_unit == principal.work_unit
            and turn.actor_id == principal.sub
        )
    return False


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
    # Where the PPK is told it is their turn (25: the goods delivered) and reminded: from
    # ordering's order_issued (their token's email claim), or their own token once they act.
    ppk_email: str | None = None
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
        return FULFILMENT.allowed_actions(self.state, role)

    def is_party(self, principal: Principal) -> bool:
        """The vendor of the order, or a PPK of the ordering work unit: who may act on it."""
        if principal.role is Role.VENDOR:
            return principal.vendor_id == self.vendor_id
        if principal.role is Role.PPK:
            return principal.work_unit == self.work_unit
        return False

    def is_visible_to(self, principal: Principal) -> bool:
        return principal.reads_everything or self.is_party(principal)

    def turn_holder(self, change: Change) -> tuple[str | None, str]:
        """Who exactly holds the turn ``change`` hands over, as (actor id, work unit): the
        vendor's turn carries the VENDOR id (any user of the vendor sees it), the PPK's the
        order's PPK; both the ordering work unit (its PPKs and auditors follow them)."""
        standard = change.time_standard
        if standard is None:
            return None, self.work_unit
        if standard.actor == VENDOR:
            return str(self.vendor_id), self.work_unit
        return self.ppk_id, self.work_unit

    def addressee(self, role: str) -> tuple[str, str | None]:
        """Name and e-mail of who holds a turn of ``role``: the vendor of the order or its
        PPK; None where no address is known."""
        if role == VENDOR:
            return self.vendor_name, self.vendor_email
        return self.ppk_name, self.ppk_email

    def remember_ppk_email(self, principal: Principal) -> bool:
        """Keep the e-mail of the order's PPK acting with a token that carries one (for the
        e-mails of their later turns); True when it changed."""
        email = principal.email
        if principal.role is not Role.PPK or principal.sub != self.ppk_id or not email:
            return False
        changed = email != self.ppk_email
        self.ppk_email = email
        return changed

    def _move(
        self, action: str, role: str | None, to_state: FulfilmentState | None = None
    ) -> Change:
        change = FULFILMENT.change(action, self.state, _actor(action, role), to=to_state)
        chosen = TURN_ON_TARGET.get((action, change.to_state))
        if chosen is not None:  # the rules chose a target that hands over another turn
            change = with_time_standard(change, chosen)
        self.state = FulfilmentState(change.to_state)
        self.version += 1
        self.changes.append(change)
        return change

    def opened(self, reason: str) -> Change:
        """The history entry of opening the fulfilment (21): from no state to the first."""
        step = FULFILMENT["open_fulfilment"]
        return Change(step.action, None, str(step.target), step.sop_step, reason)

    def acknowledge_order(self) -> Change | None:
        """The vendor acknowledged the order (22); None when that is already known."""
        if self.state is not FulfilmentState.AWAITING_ACKNOWLEDGEMENT:
            return None
        return self._move("acknowledge_order", None)

    def start_preparation(self, role: str | None = None) -> Change:
        return self._move("start_preparation", role)

    def record_shipment(
        self,
        entry: ShippingEntry,
        now: datetime,
        role: str | None = None,
        local_zone: tzinfo = WIB,
    ) -> Change:
        """Append an entry to the shipping history (25); ``delivered`` ends the shipping.
        The entry's time is checked against ``now`` and the order date (in ``local_zone``)."""
        FULFILMENT.check("record_shipment", self.state, _actor("record_shipment", role))
        reason = out_of_order(self.last_entry, entry.status)
        if reason:
            actions = self.allowed_actions(role or Role.VENDOR)
            english, indonesian = reason
            raise ShippingOutOfOrder(
                "record_shipment", self.state, actions, detail=english, detail_id=indonesian
            )
        check_entry_facts(self.last_entry, entry, now, self.order_date, local_zone)
        delivered = entry.status is ShipmentStatus.DELIVERED
        to_state = FulfilmentState.DELIVERED if delivered else FulfilmentState.SHIPPING
        change = self._move("record_shipment", role, to_state)
        self.last_entry = entry
        self.shipment_count += 1
        if delivered:
            self.delivered_at = entry.happened_at
        return change

    def inspect_goods(self, role: str | None = None) -> Change:
        return self._move("inspect_goods", role)

    def hand_over_goods(self, now: datetime, role: str | None = None) -> Change:
        """Step 26: the BAST is recorded at ``now``; addenda committed from then on are refused."""
        change = self._move("hand_over_goods", role)
        self.handed_over_at = now
        return change

    def record_payment(self, amount: int, role: str | None = None) -> tuple[Change, PaymentFigures]:
        """One instalment (26) against the current order total; ``paid`` when it adds up."""
        FULFILMENT.check("record_payment", self.state, _actor("record_payment", role))
        figures = check_payment(amount, self.paid_total, self.order.total)
        to_state = FulfilmentState.PAID if figures.settles else FulfilmentState.HANDED_OVER
        change = self._move("record_payment", role, to_state)
        self.paid_total = figures.paid_so_far
        self.payment_count += 1
        return change, figures

    def complete_package(
        self, local_zone: tzinfo, role: str | None = None
    ) -> tuple[Change, Completion]:
        """Completion (27): compares the ``delivered`` entry's local date with the deadline."""
        change = self._move("complete_package", role)
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
        refusal = self._amendment_refusal(terms, committed_at)
        if refusal:
            step = FULFILMENT["follow_amendment"].sop_step
            noted = Change("amendment_not_applied", self.state, self.state, step, refusal)
            return AmendmentOutcome(AmendmentResult.NOT_APPLIED, refusal, noted=noted)
        before, from_state = self.order, self.state
        followed = FULFILMENT.change("follow_amendment", self.state)
        self.order = replace(terms)
        self.version += 1
        change = None
        if self.state is FulfilmentState.HANDED_OVER and 0 < self.paid_total == terms.total:
            change = self._move("settle_by_addendum", None)
        reason = (
            f"order version {before.version} -> {terms.version}: total {before.total} -> "
            f"{terms.total}, delivery deadline {terms.delivery_deadline.isoformat()}"
        )
        # Settled: the entry hands the PPK the completion (27), as settle_by_addendum's row says.
        standard = change.time_standard if change else None
        noted = replace(
            followed,
            from_state=from_state,
            to_state=self.state,
            reason=reason,
            time_standard=standard,
        )
        return AmendmentOutcome(AmendmentResult.APPLIED, change=change, noted=noted)

    def _amendment_refusal(self, terms: OrderTerms, committed_at: datetime) -> str | None:
        """Why a newer order version cannot be followed, or None when it can."""
        after_bast = addendum_after_bast_reason(terms.version, committed_at, self.handed_over_at)
        if after_bast:
            return after_bast
        if self.state not in FULFILMENT["follow_amendment"].sources:
            return f"order version {terms.version} arrived while the fulfilment is {self.state}"
        if terms.total < self.paid_total:
            return (
                f"order version {terms.version} has total {terms.total}, "
                f"below the {self.paid_total} already paid"
            )
        return None
