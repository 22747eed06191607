"""Priced lines and totals of a package or purchase order (whole rupiah)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from uuid import UUID


@dataclass(frozen=True)
class Line:
    line_no: int
    description: str
    quantity: int
    unit: str
    unit_price: int
    product_id: UUID | None = None

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


def subtotal(lines: Sequence[Line]) -> int:
    """Σ unit price × quantity."""
    return sum(line.line_total for line in lines)


def total(lines: Sequence[Line], shipping_cost: int) -> int:
    """Σ unit price × quantity + shipping (the evaluated price)."""
    return subtotal(lines) + shipping_cost


def with_prices(lines: Sequence[Line], prices: Mapping[int, int]) -> list[Line]:
    """The lines with the unit prices of ``prices`` (by line number) put in."""
    return [replace(line, unit_price=prices.get(line.line_no, line.unit_price)) for line in lines]


def with_quantities(lines: Sequence[Line], quantities: Mapping[int, int]) -> list[Line]:
    """The lines with the quantities of ``quantities`` (by line number) put in."""
    return [replace(line, quantity=quantities.get(line.line_no, line.quantity)) for line in lines]
