"""The purchase order (*Surat Pesanan*, step 21) number and its addenda (step 24a)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from ordering.domain.errors import RuleBroken
from ordering.domain.pricing import Line, total, with_quantities

ORDER_NUMBER_FIELDS = frozenset({"work_unit", "year", "seq"})


def format_order_number(template: str, *, work_unit: str, year: int, seq: int) -> str:
    """The order number from a configurable template, e.g. ``SP/{work_unit}/{year}/{seq:04d}``."""
    try:
        return template.format(work_unit=work_unit, year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"order number template {template!r} may only use {sorted(ORDER_NUMBER_FIELDS)}"
        ) from error


@dataclass(frozen=True)
class OrderTerms:
    """What one version of a purchase order says."""

    lines: tuple[Line, ...]
    shipping_cost: int
    delivery_deadline: date
    signatory: str
    terms: str

    @property
    def total(self) -> int:
        return total(self.lines, self.shipping_cost)


@dataclass(frozen=True)
class AddendumChange:
    """What an addendum changes; ``None`` keeps the current value."""

    quantities: Mapping[int, int] | None = None
    shipping_cost: int | None = None
    delivery_deadline: date | None = None
    signatory: str | None = None
    terms: str | None = None


def _check_quantities(lines: Sequence[Line], quantities: Mapping[int, int]) -> None:
    known = {line.line_no for line in lines}
    if unknown := sorted(set(quantities) - known):
        raise RuleBroken(f"the order has no line(s) {unknown}", "quantities")
    for line_no, quantity in sorted(quantities.items()):
        if quantity < 1:
            raise RuleBroken(f"line {line_no}: quantity {quantity} is below 1", "quantities")


def amend(current: OrderTerms, change: AddendumChange) -> OrderTerms:
    """The next version of the order with ``change`` applied (prices stay as agreed)."""
    quantities = change.quantities or {}
    _check_quantities(current.lines, quantities)
    if change.shipping_cost is not None and change.shipping_cost < 0:
        raise RuleBroken("shipping cost may not be negative", "shipping_cost")
    amended = OrderTerms(
        lines=tuple(with_quantities(current.lines, quantities)),
        shipping_cost=current.shipping_cost
        if change.shipping_cost is None
        else change.shipping_cost,
        delivery_deadline=change.delivery_deadline or current.delivery_deadline,
        signatory=change.signatory or current.signatory,
        terms=change.terms or current.terms,
    )
    if amended == current:
        raise RuleBroken("the addendum changes nothing")
    return amended


def check_addendum_value(
    *, original_total: int, new_total: int, pagu: int, max_increase_percent: int
) -> None:
    """New total ≤ pagu, and the value added over the ORIGINAL order total ≤ the allowed
    percentage (Perpres 16/2018 art. 54(2): 10 %), in integer arithmetic."""
    if new_total > pagu:
        raise RuleBroken(f"the new total Rp{new_total} is above the pagu Rp{pagu}", "total")
    added = new_total - original_total
    if added * 100 > original_total * max_increase_percent:
        limit = original_total * max_increase_percent // 100
        raise RuleBroken(
            f"the addendum adds Rp{added} to the original total Rp{original_total}; "
            f"at most {max_increase_percent} % (Rp{limit}) may be added",
            "total",
        )
