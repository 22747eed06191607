"""What the API shows of a package: its data, rounds, order, e-mail and allowed actions."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.http.pagination import PageParams, encode_cursor
from epurchasing_shared.http.problems import Invalid
from ordering.adapters import orders, repository
from ordering.adapters.codec import lines_to_json
from ordering.adapters.mail_outbox import load_email
from ordering.application.common import Request, load_visible
from ordering.domain.package import Package
from ordering.domain.states import allowed_actions


def package_summary(package: Package, principal: Principal) -> dict[str, Any]:
    return {
        "id": str(package.id),
        "procurement_id": str(package.procurement_id),
        "competition_id": str(package.competition_id),
        "title": package.title,
        "rup_code": package.rup_code,
        "fiscal_year": package.fiscal_year,
        "work_unit": package.work_unit,
        "ppk": {"id": package.ppk.id, "name": package.ppk.name},
        "official": {"id": package.official.id, "name": package.official.name},
        "vendor": {"id": str(package.vendor.id), "name": package.vendor.name},
        "state": package.state.value,
        "version": package.version,
        "lines": lines_to_json(package.lines),
        "shipping_cost": package.shipping_cost,
        "total": package.total,
        "pagu": package.pagu,
        "delivery_address": package.delivery_address,
        "delivery_deadline": package.delivery_deadline.isoformat(),
        "cancel_reason": package.cancel_reason,
        "allowed_actions": allowed_actions(package.state, principal.role.value),
    }


def _round(row: Any) -> dict[str, Any]:
    return {
        "round": row["round"],
        "status": row["status"],
        "proposed_prices": row["proposed_prices"],
        "proposed_shipping_cost": row["proposed_shipping_cost"],
        "proposed_by": row["proposed_by"],
        "proposed_at": row["proposed_at"].isoformat(),
        "note": row["note"],
        "counter_prices": row["counter_prices"],
        "counter_shipping_cost": row["counter_shipping_cost"],
        "answered_by": row["answered_by"],
        "answered_at": row["answered_at"].isoformat() if row["answered_at"] else None,
        "reason": row["answer_reason"],
    }


async def _order(session: AsyncSession, package: Package) -> dict[str, Any] | None:
    order = await orders.load_order(session, package.id)
    if order is None:
        return None
    versions = await orders.load_versions(session, order["id"])
    return {
        "id": str(order["id"]),
        "number": order["number"],
        "order_date": order["order_date"].isoformat(),
        "original_total": order["original_total"],
        "version": order["current_version"],
        "acknowledged_at": order["acknowledged_at"].isoformat()
        if order["acknowledged_at"]
        else None,
        # BAST (26), recorded from delivery.goods_handed_over.v1: no addendum after it.
        "handed_over_at": order["handed_over_at"].isoformat() if order["handed_over_at"] else None,
        "versions": [
            {
                "version": v["version"],
                "lines": v["lines"],
                "shipping_cost": v["shipping_cost"],
                "total": v["total"],
                "delivery_deadline": v["delivery_deadline"].isoformat(),
                "signatory": v["signatory"],
                "terms": v["terms"],
                "reason": v["reason"],
                "document_id": str(v["document_id"]),
                "created_at": v["created_at"].isoformat(),
            }
            for v in versions
        ],
    }


async def _email(session: AsyncSession, package: Package) -> dict[str, Any] | None:
    email = await load_email(session, package.id)
    if email is None:
        return None
    return {
        "status": email["status"],
        "recipient": email["recipient"],
        "attempts": email["attempts"],
        "last_error": email["last_error"],
        "message_id": email["message_id"],
        "sent_at": email["sent_at"].isoformat() if email["sent_at"] else None,
    }


async def package_detail(session: AsyncSession, package: Package, principal: Principal) -> dict:
    """The full view of one package for the caller."""
    view = package_summary(package, principal)
    view["negotiation"] = [_round(r) for r in await repository.round_rows(session, package.id)]
    view["purchase_order"] = await _order(session, package)
    view["vendor_email"] = await _email(session, package)
    return view


async def get_package(session: AsyncSession, request: Request) -> dict:
    return await package_detail(session, await load_visible(session, request), request.principal)


def cursor_position(cursor: list[Any]) -> tuple[datetime, UUID]:
    """(created_at, id) from a cursor this service gave out; anything else -- wrong length,
    non-strings, a date without offset, not a UUID -- is a 422 naming ``cursor``."""
    invalid = Invalid("the cursor is not one this service gave out", field="cursor")
    if len(cursor) != 2 or not all(isinstance(value, str) for value in cursor):
        raise invalid
    try:
        created_at, package_id = datetime.fromisoformat(cursor[0]), UUID(cursor[1])
    except ValueError as error:
        raise invalid from error
    if created_at.tzinfo is None:  # compared with a timestamptz column
        raise invalid
    return created_at, package_id


async def list_visible_packages(
    session: AsyncSession, principal: Principal, state: str | None, page: PageParams
) -> dict[str, Any]:
    """A page of the packages the caller may see, with the cursor of the next page."""
    after = None if page.cursor is None else cursor_position(page.cursor)
    found = await repository.list_packages(
        session, principal, state=state, limit=page.limit + 1, after=after
    )
    items, more = found[: page.limit], len(found) > page.limit
    cursor = None
    if more:
        last = items[-1]
        cursor = encode_cursor(
            (await repository.created_at_of(session, last.id)).isoformat(), last.id
        )
    return {"items": [package_summary(p, principal) for p in items], "next_cursor": cursor}
