"""What the API shows of each aggregate, per caller: sealed offers stay sealed."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from competition.application.access import plain
from competition.application.ports import CompetitionUnitOfWork
from competition.domain.competition import Competition
from competition.domain.offers import Offer
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.kernel.unit_of_work import turn_view
from epurchasing_shared.principal import Principal, Role


async def request_view(
    uow: CompetitionUnitOfWork, principal: Principal, request: PurchaseRequest
) -> dict[str, Any]:
    return (await request_views(uow, principal, [request]))[0]


async def request_views(
    uow: CompetitionUnitOfWork, principal: Principal, requests: Sequence[PurchaseRequest]
) -> list[dict[str, Any]]:
    """The views of many requests in two reads (their documents, their open turns), however
    many there are."""
    ids = [request.id for request in requests]
    documents = await uow.documents_of_many(ids)
    turns = await uow.open_turns(ids)
    now = uow.now()
    return [
        _request_body(principal, r, documents[r.id], turn_view(turns.get(r.id), now))
        for r in requests
    ]


def _request_body(
    principal: Principal,
    request: PurchaseRequest,
    documents: list[DocumentRef],
    turn: dict[str, Any] | None,
) -> dict[str, Any]:
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
            "turn": turn,
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
    return (await competition_views(uow, principal, [competition]))[0]


async def competition_views(
    uow: CompetitionUnitOfWork, principal: Principal, competitions: Sequence[Competition]
) -> list[dict[str, Any]]:
    """The views of many competitions in at most two reads (their open turns; for a vendor,
    its own offers in them), however many there are."""
    ids = [competition.id for competition in competitions]
    mine: dict[UUID, Offer] = {}
    if principal.role is Role.VENDOR and ids:
        assert principal.vendor_id is not None
        mine = await uow.catalogue.offers_of_vendor(ids, principal.vendor_id)
    turns = await uow.open_turns(ids)
    now = uow.now()
    views = []
    for competition in competitions:
        offer = mine.get(competition.id)
        has_offer = offer is not None and not offer.withdrawn
        turn = turn_view(turns.get(competition.id), now)
        views.append(_competition_body(principal, competition, has_offer, turn, now))
    return views


def _competition_body(
    principal: Principal,
    competition: Competition,
    has_offer: bool,
    turn: dict[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
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
    if principal.role is Role.VENDOR:
        row.pop("eligible_vendor_ids")
    return plain(
        row
        | {
            "offers_closed": competition.offers_closed(now),
            "allowed_actions": competition.allowed_actions(str(principal.role), now, has_offer),
            "turn": turn,
        }
    )
