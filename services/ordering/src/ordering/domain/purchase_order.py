"""The purchase order (*Surat Pesanan*, step 21) number and its addenda (step 24a)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from epurchasing_shared.kernel.errors import RuleViolation
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
class OrderVersion:
    """One signed version: the order (1) or an addendum (2, 3, ...), with its document."""

    version: int
    terms: OrderTerms
    document_id: UUID
    created_by: str
    created_at: datetime
    reason: str | None = None


@dataclass
class PurchaseOrder:
    """The *Surat Pesanan* of a package: its number and every version, the last one current."""

    id: UUID
    number: str
    work_unit: str
    year: int
    seq: int
    order_date: date
    original_total: int
    versions: list[OrderVersion]
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    handed_over_at: datetime | None = None  # BAST (26): no addendum after it
    bast_document_id: UUID | None = None

    @property
    def current_version(self) -> int:
        return self.versions[-1].version

    @property
    def terms(self) -> OrderTerms:
        return self.versions[-1].terms


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
        raise RuleViolation.one(
            "quantities",
            f"the order has no line(s) {unknown}",
            f"Surat Pesanan tidak memiliki baris {unknown}",
        )
    for line_no, quantity in sorted(quantities.items()):
        if quantity < 1:
            raise RuleViolation.one(
                "quantities",
                f"line {line_no}: quantity {quantity} is below 1",
                f"baris {line_no}: jumlah {quantity} kurang dari 1",
            )


def amend(current: OrderTerms, change: AddendumChange) -> OrderTerms:
    """The next version of the order with ``change`` applied (prices stay as agreed)."""
    quantities = change.quantities or {}
    _check_quantities(current.lines, quantities)
    if change.shipping_cost is not None and change.shipping_cost < 0:
        raise RuleViolation.one(
            "shipping_cost", "shipping cost may not be negative", "ongkos kirim tidak boleh negatif"
        )
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
        raise RuleViolation.one(
            "body", "the addendum changes nothing", "adendum tidak mengubah apa pun"
        )
    return amended


def check_addendum_value(
    *, original_total: int, new_total: int, pagu: int, max_increase_percent: int
) -> None:
    """New total ≤ pagu, and the value added over the ORIGINAL order total ≤ the allowed
    percentage (Perpres 16/2018 art. 54(2): 10 %), in integer arithmetic."""
    if new_total > pagu:
        raise RuleViolation.one(
            "total",
            f"the new total Rp{new_total} is above the pagu Rp{pagu}",
            f"total baru Rp{new_total} melebihi pagu anggaran Rp{pagu}",
        )
    added = new_total - original_total
    if added * 100 > original_total * max_increase_percent:
        limit = original_total * max_increase_percent // 100
        raise RuleViolation.one(
            "total",
            f"the addendum adds Rp{added} to the original total Rp{original_total}; "
            f"at most {max_increase_percent} % (Rp{limit}) may be added",
            f"adendum menambah Rp{added} pada nilai awal Surat Pesanan Rp{original_total}; "
            f"paling banyak {max_increase_percent} % (Rp{limit}) boleh ditambahkan",
        )
