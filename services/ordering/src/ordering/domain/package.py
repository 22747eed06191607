"""The e-purchasing package aggregate (steps 13–20), as the domain sees it."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from ordering.domain.negotiation import PriceSet
from ordering.domain.pricing import Line, total
from ordering.domain.states import PackageState


@dataclass(frozen=True)
class Person:
    id: str
    name: str


@dataclass(frozen=True)
class Vendor:
    id: UUID
    name: str
    email: str | None


@dataclass(frozen=True)
class Package:
    id: UUID
    procurement_id: UUID
    competition_id: UUID
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
    cancel_reason: str | None = None

    @property
    def total(self) -> int:
        return total(self.lines, self.shipping_cost)

    @property
    def offered(self) -> PriceSet:
        return PriceSet.of_lines(self.offered_lines, self.offered_shipping_cost)
