"""What callers read: one competition, the list, the leaderboard (sealed offers stay sealed),
the public result and which history entries a caller may see."""

from datetime import datetime
from typing import Any
from uuid import UUID

from competition.application.access import (
    is_buyer_of,
    may_see_request,
    offers_sealed_for,
    plain,
    prices_sealed_for,
)
from competition.application.competitions import visible_competition
from competition.application.ports import (
    Catalogue,
    Competitions,
    CompetitionUnitOfWork,
    PurchaseRequests,
    Rules,
    UnitOfWorkFactory,
)
from competition.application.purchase_requests import caller_of, work_filter
from competition.application.results import evaluated_offers
from competition.application.views import competition_view, competition_views, offer_view
from competition.domain import competition as cp
from competition.domain.competition import Competition
from competition.domain.evaluation import rank
from competition.domain.offers import evaluated_price
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.principal import Principal, Role


async def get_competition(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID
) -> dict[str, Any]:
    async with unit_of_work(action.caller) as uow:
        competition = await visible_competition(uow, competition_id)
        return await competition_view(uow, caller_of(uow), competition)


async def list_competitions(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    limit: int,
    after: tuple[datetime, UUID] | None,
    state: str | None = None,
    overdue: bool | None = None,
    mine: bool = False,
    purchase_request_id: UUID | None = None,
) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
    """Competitions the caller may see (in ``state`` if named), newest first, after the
    cursor's (created_at, id): the work unit's, or those a vendor may offer in; the last
    (created_at, id) if full. ``overdue`` and ``mine`` filter by the open turn, as for
    purchase requests; ``purchase_request_id`` on one request (its competitions)."""
    async with unit_of_work(action.caller) as uow:
        principal = caller_of(uow)
        work_unit = (
            principal.work_unit if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) else None
        )
        vendor_id = principal.vendor_id if principal.role is Role.VENDOR else None
        work = work_filter(uow, overdue, mine)
        found = await uow.competitions.page(
            limit, after, work_unit, vendor_id, state, work, purchase_request_id=purchase_request_id
        )
        items = await competition_views(uow, principal, [c for c, _ in found])
    last = (found[-1][1], found[-1][0].id) if len(found) == limit else None
    return items, last


async def leaderboard(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID, rules: Rules
) -> dict[str, Any]:
    """Ranked offers once the deadline has passed; until then a vendor sees only its own
    offer and everyone else how many offers there are (sealed offers), unless the regency
    lets its official watch the prices live (``Rules.officials_see_live_prices``)."""
    async with unit_of_work(action.caller) as uow:
        principal = caller_of(uow)
        competition = await visible_competition(uow, competition_id)
        return plain(await _board(uow, principal, competition, rules))


async def _board(
    uow: CompetitionUnitOfWork, principal: Principal, competition: Competition, rules: Rules
) -> dict[str, Any]:
    now = uow.now()
    board: dict[str, Any] = {
        "competition_id": competition.id,
        "state": competition.state,
        "offer_deadline": competition.offer_deadline,
        "offers_closed": competition.offers_closed(now),
        "outcome": competition.outcome,
        "failure_reason": competition.failure_reason,
    }
    if principal.role is Role.VENDOR:
        board["my_offer"] = await _my_offer(uow, principal, competition)
    if prices_sealed_for(principal, competition, now, rules.officials_see_live_prices):
        sealed = board | {"sealed": True, "ranking": []}
        if principal.role is not Role.VENDOR:  # how many, never whose nor how much
            sealed["offer_count"] = await uow.catalogue.count_live_offers(competition.id)
        return sealed
    ranking = await _ranking(uow, competition, rules)
    full_view = principal.reads_everything or is_buyer_of(principal, competition.work_unit)
    if not full_view:  # a vendor after the deadline: ranks, names and prices only
        keep = ("rank", "vendor_name", "evaluated_price")
        ranking = [{k: row[k] for k in keep} for row in ranking]
    return board | {"sealed": False, "ranking": ranking}


async def _my_offer(
    uow: CompetitionUnitOfWork, principal: Principal, competition: Competition
) -> dict[str, Any] | None:
    assert principal.vendor_id is not None
    mine = await uow.catalogue.offer_of_vendor(competition.id, principal.vendor_id)
    if mine is None or mine.withdrawn:
        return None
    return offer_view(mine, evaluated_price(competition, mine.terms))


async def _ranking(
    uow: CompetitionUnitOfWork, competition: Competition, rules: Rules
) -> list[dict[str, Any]]:
    """The live ranking while the competition is open, the stored one once evaluated."""
    if competition.state not in (cp.OPEN, cp.DRAFT):
        return await uow.competitions.ranking(competition.id)
    offers = await evaluated_offers(uow, competition, rules)
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


async def public_result(unit_of_work: UnitOfWorkFactory, competition_id: UUID) -> dict[str, Any]:
    """Step 12's public result: only once published."""
    async with unit_of_work(Caller()) as uow:
        competition = await uow.competitions.get(competition_id)
        if competition is None or competition.state not in (cp.PUBLISHED, cp.PACKAGE_GENERATED):
            raise NotFound(
                f"no published competition {competition_id}",
                "hasil kompetisi belum diumumkan",
            )
        request = await uow.requests.get(competition.purchase_request_id)
        assert request is not None
        ranking = await uow.competitions.ranking(competition.id)
    leaderboard = [
        {k: row[k] for k in ("rank", "vendor_name", "evaluated_price")} for row in ranking
    ]
    return plain(
        {
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
    )


async def can_see_procurement(
    requests: PurchaseRequests, principal: Principal, procurement_id: UUID
) -> bool:
    """The procurement is the purchase request: whoever may see the request sees its history."""
    request = await requests.get(procurement_id)
    return request is not None and may_see_request(principal, request)


async def visible_history(
    competitions: Competitions,
    catalogue: Catalogue,
    principal: Principal,
    procurement_id: UUID,
    now: datetime,
) -> set[UUID] | None:
    """The aggregates of the procurement's history the caller may see (None: all of them).

    An offer's entries name its vendor (the actor), so while a competition's offers are sealed
    to the caller (the PPK before the deadline) those entries are left out."""
    run = await competitions.of_request(procurement_id)
    sealed = [c.id for c in run if offers_sealed_for(principal, c, now)]
    hidden = await catalogue.offer_ids_of(sealed) if sealed else set()
    if not hidden:
        return None
    return await competitions.history_aggregate_ids(procurement_id) - hidden
