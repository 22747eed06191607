"""The e-purchasing package aggregate (steps 13–27): its negotiation rounds and its purchase
order (with versions) belong to it. Every method checks the rule, asks :data:`PACKAGE` for
the :class:`Change`, applies it and returns it; the application saves and records it."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from epurchasing_shared.kernel.errors import NotFound, RuleViolation
from epurchasing_shared.kernel.states import SYSTEM, Change
from epurchasing_shared.principal import Principal, Role
from ordering.domain.negotiation import (
    NegotiationRound,
    PriceSet,
    RoundStatus,
    check_counter,
    check_proposal,
    counter_to_accept,
    vendor_price,
)
from ordering.domain.pricing import Line, total, with_prices
from ordering.domain.purchase_order import (
    AddendumChange,
    OrderTerms,
    OrderVersion,
    PurchaseOrder,
    amend,
    check_addendum_value,
)
from ordering.domain.states import ALREADY_APPLIED, PACKAGE, PackageState


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str | None = None  # from competition's event, when the person's token carried one


@dataclass(frozen=True)
class Vendor:
    id: UUID
    name: str
    email: str | None


@dataclass
class Package:
    id: UUID
    procurement_id: UUID
    competition_id: UUID
    offer_id: UUID
    title: str
    rup_code: str
    fiscal_year: int
    work_unit: str
    ppk: Person
    official: Person
    vendor: Vendor
    offered_lines: tuple[Line, ...]
    offered_shipping_cost: int
    lines: tuple[Line, ...]  # offered, then agreed prices
    shipping_cost: int
    pagu: int
    delivery_address: str
    delivery_deadline: date
    state: PackageState
    version: int
    created_at: datetime
    cancel_reason: str | None = None
    rounds: list[NegotiationRound] = field(default_factory=list)
    order: PurchaseOrder | None = None

    @property
    def total(self) -> int:
        return total(self.lines, self.shipping_cost)

    @property
    def offered(self) -> PriceSet:
        return PriceSet.of_lines(self.offered_lines, self.offered_shipping_cost)

    def visible_to(self, principal: Principal) -> bool:
        """Official and PPK of the work unit, the package's vendor, auditors and admins."""
        if principal.reads_everything:
            return True
        if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL):
            return principal.work_unit == self.work_unit
        if principal.role is Role.VENDOR:
            return principal.vendor_id == self.vendor.id
        return False

    def allowed_actions(self, role: str) -> list[str]:
        return PACKAGE.allowed_actions(self.state, role)

    def may(self, action: str, role: str) -> None:
        """Refuse ``action`` by ``role`` now (403/409), before any work is done for it."""
        PACKAGE.check(action, self.state, role)

    def _take(self, action: str, role: str, reason: str | None = None) -> Change:
        change = PACKAGE.change(action, self.state, role, reason=reason)
        self.state = PackageState(change.to_state)
        self.version += 1
        return change

    # --- 13, 15: arrival and the vendor's e-mail ------------------------------------------
    def received(self) -> Change:
        """The change of the package's arrival from competition (13)."""
        return PACKAGE.initial("receive_package", self.state)

    def vendor_email(self, action: str, reason: str) -> Change:
        """The history of one e-mail attempt (15): ``vendor_email_sent``, ``_failed`` or
        ``_unconfirmed``; the package stays as it is."""
        return Change(action, self.state, self.state, PACKAGE[action].sop_step, reason)

    # --- 14, 17: processing and negotiation -----------------------------------------------
    def process(self, role: str) -> Change:
        return self._take("process", role)

    def propose(
        self, role: str, proposal: PriceSet, *, by: str, at: datetime, note: str | None
    ) -> Change:
        """A new round: every line priced, nothing above the vendor's last price."""
        self.may("propose", role)
        check_proposal(self.lines, vendor_price(self.offered, self.rounds), proposal)
        number = len(self.rounds) + 1
        self.rounds.append(
            NegotiationRound(
                number, proposal, RoundStatus.PROPOSED, proposed_by=by, proposed_at=at, note=note
            )
        )
        return self._take("propose", role, f"round {number}")

    def _open_round(self, number: int) -> NegotiationRound:
        latest = self.rounds[-1].number if self.rounds else 0
        if number != latest or latest == 0:
            raise RuleViolation.one(
                "round",
                f"round {number} is not the open round (the open one is {latest})",
                f"putaran {number} bukan putaran negosiasi yang terbuka (yang terbuka: {latest})",
            )
        return self.rounds[-1]

    def _agree(self, role: str, action: str, prices: PriceSet, number: int) -> Change:
        self.lines = tuple(with_prices(self.lines, prices.prices))
        self.shipping_cost = prices.shipping_cost
        return self._take(action, role, f"round {number} agreed")

    def accept_proposal(self, role: str, number: int, *, by: str, at: datetime) -> Change:
        """The vendor accepts the round's proposal: its prices become the agreed prices."""
        self.may("accept_proposal", role)
        current = self._open_round(number)
        self.rounds[-1] = replace(
            current, status=RoundStatus.ACCEPTED, answered_by=by, answered_at=at
        )
        return self._agree(role, "accept_proposal", current.proposal, number)

    def reject_proposal(
        self,
        role: str,
        number: int,
        counter: PriceSet | None,
        reason: str | None,
        *,
        by: str,
        at: datetime,
    ) -> Change:
        """The vendor rejects the round, optionally with counter-prices no higher than its own
        previous price (its offer or its last counter-offer)."""
        self.may("reject_proposal", role)
        current = self._open_round(number)
        if counter is not None:
            check_counter(self.lines, vendor_price(self.offered, self.rounds[:-1]), counter)
        self.rounds[-1] = replace(
            current,
            status=RoundStatus.REJECTED,
            counter=counter,
            answered_by=by,
            answered_at=at,
            answer_reason=reason,
        )
        return self._take("reject_proposal", role, reason or f"round {number} rejected")

    def accept_counter(self, role: str) -> Change:
        """The official accepts the vendor's last counter-prices."""
        self.may("accept_counter", role)
        counter = counter_to_accept(self.rounds)
        current = self.rounds[-1]
        self.rounds[-1] = replace(current, status=RoundStatus.COUNTER_ACCEPTED)
        return self._agree(role, "accept_counter", counter, current.number)

    @property
    def agreed_round(self) -> int:
        return self.rounds[-1].number if self.rounds else 0

    # --- 18–20: approvals and cancellation -----------------------------------------------
    def approve(self, role: str) -> Change:
        return self._take("approve", role)

    def send_to_ppk(self, role: str) -> Change:
        return self._take("send_to_ppk", role)

    def ppk_approve(self, role: str) -> Change:
        return self._take("ppk_approve", role)

    def cancel(self, role: str, action: str, reason: str) -> Change:
        """The PPK rejects (``ppk_reject``, 20b) or the official cancels (``cancel``, 17)."""
        change = self._take(action, role, reason)
        self.cancel_reason = reason
        return change

    def expire(self, action: str, reason: str) -> Change:
        """The service cancels the package because a turn ran past its time standard
        (``ppk_review_expired``, ``vendor_answer_expired``, ``vendor_approval_expired``)."""
        change = self._take(action, SYSTEM, reason)
        self.cancel_reason = reason
        return change

    # --- 21, 22, 24a: the purchase order -------------------------------------------------
    def issue_order(
        self,
        role: str,
        *,
        order_id: UUID,
        number: str,
        seq: int,
        order_date: date,
        signatory: str,
        terms: str,
        document_id: UUID,
        by: str,
        at: datetime,
    ) -> Change:
        """Version 1 of the order, at the agreed prices."""
        self.may("issue_purchase_order", role)
        first = OrderTerms(self.lines, self.shipping_cost, self.delivery_deadline, signatory, terms)
        self.order = PurchaseOrder(
            id=order_id,
            number=number,
            work_unit=self.work_unit,
            year=order_date.year,
            seq=seq,
            order_date=order_date,
            original_total=first.total,
            versions=[OrderVersion(1, first, document_id, by, at)],
        )
        return self._take("issue_purchase_order", role, number)

    def _the_order(self) -> PurchaseOrder:
        if self.order is None:  # cannot happen past order_issued; guard all the same
            raise NotFound(
                f"package {self.id} has no purchase order",
                f"paket {self.id} belum memiliki Surat Pesanan",
            )
        return self.order

    def acknowledge_order(self, role: str, *, by: str, at: datetime) -> Change:
        self.may("acknowledge_order", role)
        order = self._the_order()
        order.acknowledged_at, order.acknowledged_by = at, by
        return self._take("acknowledge_order", role, order.number)

    def addendum_terms(
        self, role: str, change: AddendumChange, max_increase_percent: int
    ) -> OrderTerms:
        """The next version's terms (refused above the pagu or the allowed increase over the
        ORIGINAL total), checked before the addendum's document is kept."""
        self.may("amend_order", role)
        order = self._the_order()
        amended = amend(order.terms, change)
        check_addendum_value(
            original_total=order.original_total,
            new_total=amended.total,
            pagu=self.pagu,
            max_increase_percent=max_increase_percent,
        )
        return amended

    def amend_order(
        self,
        role: str,
        amended: OrderTerms,
        reason: str,
        *,
        document_id: UUID,
        by: str,
        at: datetime,
    ) -> Change:
        order = self._the_order()
        version = order.current_version + 1
        order.versions.append(OrderVersion(version, amended, document_id, by, at, reason))
        return self._take("amend_order", role, f"addendum {version}: {reason}")

    # --- 26, 27: facts from delivery -----------------------------------------------------
    def follow_delivery(self, action: str, order_id: UUID, reason: str) -> Change | None:
        """The change a delivery fact asks for; None when the package is already there (a
        redelivered or replayed event); a refusal when it cannot have got there."""
        if self.order is None or self.order.id != order_id:
            raise NotFound(
                f"package {self.id} has no purchase order {order_id} (state {self.state})"
            )
        if self.state in ALREADY_APPLIED[action]:
            return None
        return self._take(action, SYSTEM, reason)

    def hand_over(self, order_id: UUID, at: datetime, bast_id: UUID, reason: str) -> Change | None:
        change = self.follow_delivery("record_handover", order_id, reason)
        if change is not None:
            order = self._the_order()
            order.handed_over_at, order.bast_document_id = at, bast_id
        return change
