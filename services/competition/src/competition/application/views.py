"""What the API shows of each aggregate, per caller: sealed offers stay sealed."""

from typing import Any

from competition.application.access import plain
from competition.application.ports import CompetitionUnitOfWork
from competition.domain.competition import Competition
from competition.domain.offers import Offer
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.kernel.unit_of_work import turn_view
from epurchasing_shared.principal import Principal, Role


async def turn_of(uow: CompetitionUnitOfWork, aggregate_id: Any) -> dict[str, Any] | None:
    """Whose turn it is on the aggregate (SOP step, due time, overdue now), or None."""
    return turn_view(await uow.open_turn(aggregate_id), uow.now())


async def request_view(
    uow: CompetitionUnitOfWork, principal: Principal, request: PurchaseRequest
) -> dict[str, Any]:
    documents = await uow.documents_of(request.id)
    official = request.official
    return plain(
        {
            "id": request.id,
            "work_unit": request.work_unit,
            "ppk_id": request.ppk_id,
            "ppk_name": request.ppk_name,
            "rup_code": request.rup_code,
            "fiscal_year": request.fiscal_year,
            "dpa_number": request.dpa_number,
            "pagu": request.pagu,
            "title": request.title,
            "specification": request.specification,
            "items": [vars(item) for item in request.items],
            "delivery_address": request.delivery_address,
            "delivery_date": request.delivery_date,
            "state": request.state,
            "version": request.version,
            "official": {"id": official.id, "name": official.name} if official else None,
            "return_reason": request.return_reason,
            "documents": [d.as_dict() for d in documents],
            "allowed_actions": request.allowed_actions(str(principal.role)),
            "turn": await turn_of(uow, request.id),
        }
    )


def offer_view(offer: Offer, price: int) -> dict[str, Any]:
    return plain(
        {
            "id": offer.id,
            "vendor_id": offer.vendor_id,
            "revision": offer.revision,
            "submitted_at": offer.submitted_at,
            "withdrawn": offer.withdrawn,
            "lines": [vars(line) for line in offer.terms.lines],
            "shipping_cost": offer.terms.shipping_cost,
            "delivery_days": offer.terms.delivery_days,
            "evaluated_price": price,
        }
    )


async def competition_view(
    uow: CompetitionUnitOfWork, principal: Principal, competition: Competition
) -> dict[str, Any]:
    """The competition's data; a vendor sees its eligibility, never the other offers."""
    row: dict[str, Any] = {
        "id": competition.id,
        "purchase_request_id": competition.purchase_request_id,
        "work_unit": competition.work_unit,
        "kind": competition.kind,
        "category": competition.category,
        "product_id": competition.product_id,
        "product_name": competition.product_name,
        "items": [vars(item) for item in competition.items],
        "pagu": competition.pagu,
        "delivery_deadline": competition.delivery_deadline,
        "offer_deadline": competition.offer_deadline,
        "state": competition.state,
        "version": competition.version,
        "eligible_vendor_ids": competition.eligible_vendor_ids,
        "outcome": competition.outcome,
        "failure_reason": competition.failure_reason,
        "package_id": competition.package_id,
    }
    has_offer = False
    if principal.role is Role.VENDOR:
        row.pop("eligible_vendor_ids")
        assert principal.vendor_id is not None
        mine = await uow.catalogue.offer_of_vendor(competition.id, principal.vendor_id)
        has_offer = mine is not None and not mine.withdrawn
    now = uow.now()
    return plain(
        row
        | {
            "offers_closed": competition.offers_closed(now),
            "allowed_actions": competition.allowed_actions(str(principal.role), now, has_offer),
            "turn": await turn_of(uow, competition.id),
        }
    )
