"""Rows of the ordering tables <-> the package aggregate (JSONB columns included)."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import Date, DateTime, Table, Uuid

from ordering.application.payloads import line_from_json, lines_to_json, prices_to_json
from ordering.domain.negotiation import NegotiationRound, PriceSet, RoundStatus
from ordering.domain.package import Package, Person, Vendor
from ordering.domain.purchase_order import OrderTerms, OrderVersion, PurchaseOrder
from ordering.domain.states import PackageState

__all__ = ["lines_to_json", "prices_to_json"]


@cache
def _typed(table: Table) -> tuple[tuple[str, Any], ...]:
    """The columns of ``table`` that JSON carries as text, with how to read each back."""

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text).astimezone(UTC)  # UTC, as asyncpg reads it

    readers: list[tuple[str, Any]] = []
    for column in table.c:
        if isinstance(column.type, DateTime):
            readers.append((column.name, moment))
        elif isinstance(column.type, Date):
            readers.append((column.name, date.fromisoformat))
        elif isinstance(column.type, Uuid):
            readers.append((column.name, UUID))
    return tuple(readers)


def rows_from_json(table: Table, items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The rows of a JSON array of ``table``'s rows (``json_agg``; NULL for none) as a plain
    read of the table gives them: times, dates and ids in their types."""
    readers = _typed(table)
    for item in items or ():
        for name, read in readers:
            if item[name] is not None:
                item[name] = read(item[name])
    return items or []


def prices_from_json(data: Mapping[str, Any]) -> dict[int, int]:
    """JSONB object keys are strings; line numbers are ints."""
    return {int(line_no): int(price) for line_no, price in data.items()}


def round_from_row(row: Mapping[str, Any]) -> NegotiationRound:
    counter = None
    if row["counter_prices"] is not None:
        counter = PriceSet(prices_from_json(row["counter_prices"]), row["counter_shipping_cost"])
    return NegotiationRound(
        number=row["round"],
        proposal=PriceSet(prices_from_json(row["proposed_prices"]), row["proposed_shipping_cost"]),
        status=RoundStatus(row["status"]),
        counter=counter,
        proposed_by=row["proposed_by"],
        proposed_at=row["proposed_at"],
        note=row["note"],
        answered_by=row["answered_by"],
        answered_at=row["answered_at"],
        answer_reason=row["answer_reason"],
    )


def round_to_row(package_id: UUID, r: NegotiationRound) -> dict[str, Any]:
    return {
        "package_id": package_id,
        "round": r.number,
        "proposed_prices": prices_to_json(r.proposal.prices),
        "proposed_shipping_cost": r.proposal.shipping_cost,
        "proposed_by": r.proposed_by,
        "proposed_at": r.proposed_at,
        "note": r.note,
        "status": r.status.value,
        "counter_prices": prices_to_json(r.counter.prices) if r.counter else None,
        "counter_shipping_cost": r.counter.shipping_cost if r.counter else None,
        "answered_by": r.answered_by,
        "answered_at": r.answered_at,
        "answer_reason": r.answer_reason,
    }


def version_from_row(row: Mapping[str, Any]) -> OrderVersion:
    terms = OrderTerms(
        lines=tuple(line_from_json(x) for x in row["lines"]),
        shipping_cost=row["shipping_cost"],
        delivery_deadline=row["delivery_deadline"],
        signatory=row["signatory"],
        terms=row["terms"],
    )
    return OrderVersion(
        row["version"],
        terms,
        row["document_id"],
        row["created_by"],
        row["created_at"],
        row["reason"],
    )


def version_to_row(order_id: UUID, v: OrderVersion) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "version": v.version,
        "lines": lines_to_json(v.terms.lines),
        "shipping_cost": v.terms.shipping_cost,
        "total": v.terms.total,
        "delivery_deadline": v.terms.delivery_deadline,
        "signatory": v.terms.signatory,
        "terms": v.terms.terms,
        "reason": v.reason,
        "document_id": v.document_id,
        "created_by": v.created_by,
        "created_at": v.created_at,
    }


def order_from_row(row: Mapping[str, Any], versions: Sequence[OrderVersion]) -> PurchaseOrder:
    return PurchaseOrder(
        id=row["id"],
        number=row["number"],
        work_unit=row["work_unit"],
        year=row["year"],
        seq=row["seq"],
        order_date=row["order_date"],
        original_total=row["original_total"],
        versions=list(versions),
        acknowledged_at=row["acknowledged_at"],
        acknowledged_by=row["acknowledged_by"],
        handed_over_at=row["handed_over_at"],
        bast_document_id=row["bast_document_id"],
    )


def order_to_row(package_id: UUID, order: PurchaseOrder) -> dict[str, Any]:
    return {
        "id": order.id,
        "package_id": package_id,
        "number": order.number,
        "work_unit": order.work_unit,
        "year": order.year,
        "seq": order.seq,
        "order_date": order.order_date,
        "original_total": order.original_total,
        "current_version": order.current_version,
        "acknowledged_at": order.acknowledged_at,
        "acknowledged_by": order.acknowledged_by,
        "handed_over_at": order.handed_over_at,
        "bast_document_id": order.bast_document_id,
    }


def package_from_row(
    row: Mapping[str, Any],
    rounds: Sequence[NegotiationRound] = (),
    order: PurchaseOrder | None = None,
) -> Package:
    vendor = row["vendor"]
    return Package(
        id=row["id"],
        procurement_id=row["procurement_id"],
        competition_id=row["competition_id"],
        offer_id=row["offer_id"],
        title=row["title"],
        rup_code=row["rup_code"],
        fiscal_year=row["fiscal_year"],
        work_unit=row["work_unit"],
        ppk=Person(**row["ppk"]),
        official=Person(**row["official"]),
        vendor=Vendor(id=UUID(vendor["id"]), name=vendor["name"], email=vendor.get("email")),
        offered_lines=tuple(line_from_json(x) for x in row["offered_lines"]),
        offered_shipping_cost=row["offered_shipping_cost"],
        lines=tuple(line_from_json(x) for x in row["lines"]),
        shipping_cost=row["shipping_cost"],
        pagu=row["pagu"],
        delivery_address=row["delivery_address"],
        delivery_deadline=row["delivery_deadline"],
        state=PackageState(row["state"]),
        version=row["version"],
        created_at=row["created_at"],
        cancel_reason=row["cancel_reason"],
        rounds=list(rounds),
        order=order,
    )


def package_to_row(package: Package) -> dict[str, Any]:
    """Every column but ``updated_at`` (the repository's clock)."""
    return {
        "id": package.id,
        "procurement_id": package.procurement_id,
        "competition_id": package.competition_id,
        "offer_id": package.offer_id,
        "title": package.title,
        "rup_code": package.rup_code,
        "fiscal_year": package.fiscal_year,
        "work_unit": package.work_unit,
        "ppk": {"id": package.ppk.id, "name": package.ppk.name, "email": package.ppk.email},
        "official": {
            "id": package.official.id,
            "name": package.official.name,
            "email": package.official.email,
        },
        "vendor_id": package.vendor.id,
        "vendor": {
            "id": str(package.vendor.id),
            "name": package.vendor.name,
            "email": package.vendor.email,
        },
        "offered_lines": lines_to_json(package.offered_lines),
        "offered_shipping_cost": package.offered_shipping_cost,
        "lines": lines_to_json(package.lines),
        "shipping_cost": package.shipping_cost,
        "pagu": package.pagu,
        "delivery_address": package.delivery_address,
        "delivery_deadline": package.delivery_deadline,
        "state": package.state.value,
        "version": package.version,
        "cancel_reason": package.cancel_reason,
        "created_at": package.created_at,
    }
