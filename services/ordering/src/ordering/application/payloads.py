"""The domain's values in the contracts' shapes (events and JSON views)."""

from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.ordering import ItemPrice
from ordering.domain.negotiation import PriceSet
from ordering.domain.package import Person, Vendor
from ordering.domain.pricing import Line


def line_from_json(data: Mapping[str, Any]) -> Line:
    return Line(
        line_no=int(data["line_no"]),
        description=str(data["description"]),
        quantity=int(data["quantity"]),
        unit=str(data["unit"]),
        unit_price=int(data["unit_price"]),
        product_id=UUID(str(data["product_id"])) if data.get("product_id") else None,
    )


def line_to_json(line: Line) -> dict[str, Any]:
    """The OrderLine shape of the contracts (line_total included)."""
    return {
        "line_no": line.line_no,
        "product_id": str(line.product_id) if line.product_id else None,
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "line_total": line.line_total,
    }


def lines_to_json(lines: Iterable[Line]) -> list[dict[str, Any]]:
    return [line_to_json(line) for line in lines]


def prices_to_json(prices: Mapping[int, int]) -> dict[str, int]:
    """JSON object keys are strings; line numbers are ints."""
    return {str(line_no): price for line_no, price in sorted(prices.items())}


def order_lines(lines: Iterable[Line]) -> list[OrderLine]:
    return [OrderLine.model_validate(line_to_json(line)) for line in lines]


def item_prices(prices: PriceSet) -> list[ItemPrice]:
    return [ItemPrice(line_no=n, unit_price=p) for n, p in sorted(prices.prices.items())]


def party(person: Person) -> Party:
    """The PPK or official in an event, with their e-mail where known (delivery tells the PPK
    it is their turn at 25 from ``order_issued``'s)."""
    return Party(id=person.id, name=person.name, email=person.email)


def vendor_ref(vendor: Vendor) -> VendorRef:
    return VendorRef(id=vendor.id, name=vendor.name, email=vendor.email)
