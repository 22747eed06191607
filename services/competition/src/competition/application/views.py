"""What the API shows of each aggregate, per caller: sealed offers stay sealed."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import catalogue_repository as catalogue
from competition.adapters import procurement_repository as repo
from competition.adapters.tables import competitions as competitions_table
from competition.application.common import is_buyer_of, role_of
from competition.application.competitions import offers_sealed_for, visible_competition
from competition.application.results import evaluated_offers
from competition.domain import competition as cp
from competition.domain.competition import Competition
from competition.domain.evaluation import rank
from competition.domain.offers import Offer, evaluated_price
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.persistence import list_documents
from epurchasing_shared.service import Runtime


async def request_view(
    runtime: Runtime, session: AsyncSession, principal: Principal, request: PurchaseRequest
) -> dict[str, Any]:
    documents = await list_documents(session, runtime.spine.documents, request.id)
    row = repo.request_row(request)
    row["official"] = (
        {"id": request.official.id, "name": request.official.name} if request.official else None
    )
    for name in ("official_id", "official_name", "document_kinds"):
        row.pop(name)
    return row | {
        "documents": [d.as_dict() for d in documents],
        "allowed_actions": request.allowed_actions(role_of(principal)),
    }


def offer_view(offer: Offer, price: int) -> dict[str, Any]:
    return {
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


async def competition_view(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition: Competition
) -> dict[str, Any]:
    """The competition's data; a vendor sees its eligibility, never the other offers."""
    row = repo.competition_row(competition)
    row["items"] = [vars(item) for item in competition.items]
    has_offer = False
    if principal.role is Role.VENDOR:
        row.pop("eligible_vendor_ids")
        assert principal.vendor_id is not None
        mine = await catalogue.offer_of_vendor(session, competition.id, principal.vendor_id)
        has_offer = mine is not None and not mine.withdrawn
    now = runtime.clock.now()
    return row | {
        "offers_closed": competition.offers_closed(now),
        "allowed_actions": competition.allowed_actions(role_of(principal), now, has_offer),
    }


async def list_competitions(
    session: AsyncSession,
    principal: Principal,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
) -> list[tuple[Competition, datetime]]:
    """Competitions the caller may see, newest first, after the cursor's (created_at, id):
    the work unit's, or those a vendor may offer in."""
    table = competitions_table
    query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL):
        query = query.where(table.c.work_unit == principal.work_unit)
    elif principal.role is Role.VENDOR:
        query = query.where(table.c.eligible_vendor_ids.contains([str(principal.vendor_id)]))
    if after is not None:
        query = query.where(tuple_(table.c.created_at, table.c.id) < tuple_(*after))
    rows = (await session.execute(query)).mappings().all()
    return [(repo.competition_from_row(row), row["created_at"]) for row in rows]


async def leaderboard(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition_id: UUID
) -> dict[str, Any]:
    """Ranked offers for the official (and admin, auditor); until the deadline a vendor sees
    only its own offer and the PPK only how many offers there are (sealed offers)."""
    competition = await visible_competition(session, principal, competition_id)
    now = runtime.clock.now()
    board: dict[str, Any] = {
        "competition_id": competition.id,
        "state": competition.state,
        "offer_deadline": competition.offer_deadline,
        "offers_closed": competition.offers_closed(now),
        "outcome": competition.outcome,
        "failure_reason": competition.failure_reason,
    }
    if principal.role is Role.VENDOR:
        board["my_offer"] = await _my_offer(session, principal, competition)
    if offers_sealed_for(principal, competition, now):
        sealed = board | {"sealed": True, "ranking": []}
        if principal.role is not Role.VENDOR:  # the PPK: how many, never whose nor how much
            sealed["offer_count"] = await catalogue.count_live_offers(session, competition.id)
        return sealed
    ranking = await _ranking(runtime, session, competition)
    full_view = principal.reads_everything or is_buyer_of(principal, competition.work_unit)
    if not full_view:  # a vendor after the deadline: ranks, names and prices only
        keep = ("rank", "vendor_name", "evaluated_price")
        ranking = [{k: row[k] for k in keep} for row in ranking]
    return board | {"sealed": False, "ranking": ranking}


async def _my_offer(
    session: AsyncSession, principal: Principal, competition: Competition
) -> dict[str, Any] | None:
    assert principal.vendor_id is not None
    mine = await catalogue.offer_of_vendor(session, competition.id, principal.vendor_id)
    if mine is None or mine.withdrawn:
        return None
    return offer_view(mine, evaluated_price(competition, mine.terms))


async def _ranking(
    runtime: Runtime, session: AsyncSession, competition: Competition
) -> list[dict[str, Any]]:
    """The live ranking while the competition is open, the stored one once evaluated."""
    if competition.state not in (cp.OPEN, cp.DRAFT):
        return await repo.load_ranking(session, competition.id)
    offers = await evaluated_offers(runtime, session, competition)
    ranked = {r.offer.offer_id: r.rank for r in rank(offers)}
    entries = sorted(offers, key=lambda o: (ranked.get(o.offer_id, 10**9), o.submitted_at))
    return [
        {
            "rank": ranked.get(o.offer_id),
            "offer_id": o.offer_id,
            "vendor_id": o.vendor_id,
            "vendor_name": o.vendor_name,
            "evaluated_price": o.evaluated_price,
            "submitted_at": o.submitted_at,
            "blacklisted": o.blacklisted,
        }
        for o in entries
    ]


async def visible_history(
    session: AsyncSession, principal: Principal, procurement_id: UUID, now: datetime
) -> set[UUID] | None:
    """The aggregates of the procurement's history the caller may see (None: all of them).

    An offer's entries name its vendor (the actor), so while a competition's offers are sealed
    to the caller (the PPK before the deadline) those entries are left out."""
    competitions = await repo.competitions_of_request(session, procurement_id)
    sealed = [c.id for c in competitions if offers_sealed_for(principal, c, now)]
    hidden = await catalogue.offer_ids_of(session, sealed) if sealed else set()
    if not hidden:
        return None
    return await repo.history_aggregate_ids(session, procurement_id) - hidden


async def public_result(session: AsyncSession, competition_id: UUID) -> dict[str, Any]:
    """Step 12's public result: only once published."""
    competition = await repo.load_competition(session, competition_id)
    if competition is None or competition.state not in (cp.PUBLISHED, cp.PACKAGE_GENERATED):
        raise NotFound(f"no published competition {competition_id}")
    request = await repo.load_request(session, competition.purchase_request_id)
    assert request is not None
    ranking = await repo.load_ranking(session, competition.id)
    leaderboard = [
        {k: row[k] for k in ("rank", "vendor_name", "evaluated_price")} for row in ranking
    ]
    return {
        "competition_id": competition.id,
        "title": request.title,
        "work_unit": request.work_unit,
        "rup_code": request.rup_code,
        "fiscal_year": request.fiscal_year,
        "kind": competition.kind,
        "category": competition.category,
        "items": [vars(item) for item in competition.items],
        "offer_deadline": competition.offer_deadline,
        "outcome": competition.outcome,
        "failure_reason": competition.failure_reason,
        "winner": leaderboard[0] if competition.outcome == "succeeded" else None,
        "leaderboard": leaderboard,
    }
