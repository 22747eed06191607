"""Use cases after the deadline (SOP steps 11–13): evaluate, publish, generate the package."""

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import catalogue_repository as catalogue
from competition.adapters import procurement_repository as repo
from competition.application.common import SERVICE, emit, party_of
from competition.application.competitions import log_competition, visible_competition
from competition.application.purchase_requests import save_request_change, zone_of
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import COMPETITION_MACHINE, Competition
from competition.domain.evaluation import SCORING_FUNCTIONS, EvaluatedOffer, Evaluation, evaluate
from competition.domain.offers import evaluated_price
from competition.domain.purchase_request import Change
from competition.domain.state_machine import SYSTEM
from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.envelope import Actor, EventPayload
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.service import Runtime


async def evaluated_offers(
    runtime: Runtime, session: AsyncSession, competition: Competition
) -> list[EvaluatedOffer]:
    """The live offers with their evaluated price and the vendor's blacklist status now."""
    offers = await catalogue.live_offers(session, competition.id)
    vendor_ids = {offer.vendor_id for offer in offers}
    vendors = await catalogue.vendors_by_ids(session, vendor_ids)
    entries = await catalogue.blacklist_of(session, vendor_ids)
    now, zone = runtime.clock.now(), zone_of(runtime)
    return [
        EvaluatedOffer(
            offer_id=offer.id,
            vendor_id=offer.vendor_id,
            vendor_name=vendors[offer.vendor_id]["name"],
            evaluated_price=evaluated_price(competition, offer.terms),
            submitted_at=offer.submitted_at,
            blacklisted=is_blacklisted(entries.get(offer.vendor_id, []), now, zone),
        )
        for offer in offers
    ]


def ranking_rows(result: Evaluation) -> list[dict[str, Any]]:
    return [
        contracts.RankedOffer(
            rank=r.rank,
            offer_id=r.offer.offer_id,
            vendor_id=r.offer.vendor_id,
            vendor_name=r.offer.vendor_name,
            evaluated_price=r.offer.evaluated_price,
            submitted_at=r.offer.submitted_at,
        ).model_dump(mode="json")
        for r in result.ranking
    ]


SYSTEM_ACTOR = Actor(id=SERVICE, role=SYSTEM)  # who the history names for the service itself


async def evaluate_competition(
    runtime: Runtime, session: AsyncSession, principal: Principal | None, competition_id: UUID
) -> Competition:
    """Step 11: rank the valid offers; succeeded, or failed with a reason (request reopened).

    The one evaluation use case: the official's ``POST …/evaluate`` and the automatic
    evaluation at the deadline (``principal`` None: the service acting as ``system``). The row
    lock and the state machine make a second evaluation of the same competition a conflict.
    """
    competition = await _locked_for_evaluation(session, principal, competition_id)
    role, actor = (str(principal.role), None) if principal else (SYSTEM, SYSTEM_ACTOR)
    now = runtime.clock.now()
    COMPETITION_MACHINE.check("evaluate", competition.state, role)
    offers = await evaluated_offers(runtime, session, competition)
    settings = runtime.settings
    score = SCORING_FUNCTIONS[getattr(settings, "scoring", "lowest_evaluated_price")]
    result = evaluate(offers, getattr(settings, "min_offers", 1), score)
    target = cp.SUCCEEDED if result.outcome == "succeeded" else cp.FAILED
    before = competition.move("evaluate", role, now, target)
    competition.outcome, competition.failure_reason = result.outcome, result.failure_reason
    ranking = ranking_rows(result)
    change = Change("evaluate", before, target, "11", result.failure_reason)
    await log_competition(runtime, session, competition, change, principal, ranking, actor)
    if result.outcome == "failed":
        reason = f"competition {competition.id} failed: {result.failure_reason}"
        request_id = competition.purchase_request_id
        await reopen_request(runtime, session, request_id, reason, "11", principal, actor)
    await emit(
        runtime,
        session,
        _evaluation_event(competition, result, ranking),
        procurement_id=competition.purchase_request_id,
        principal=principal,
        sop_step="11",
    )
    return competition


async def _locked_for_evaluation(
    session: AsyncSession, principal: Principal | None, competition_id: UUID
) -> Competition:
    """The competition, row-locked until commit; the system sees all, a caller its own."""
    if principal is not None:
        return await visible_competition(session, principal, competition_id, for_update=True)
    found = await repo.load_competition(session, competition_id, for_update=True)
    if found is None:
        raise NotFound(f"competition {competition_id} not found")
    return found


def _evaluation_event(
    competition: Competition, result: Evaluation, ranking: list[dict[str, Any]]
) -> EventPayload:
    """competition_succeeded (winner and ranking) or competition_failed (reason)."""
    if result.outcome == "succeeded":
        ranked = [contracts.RankedOffer.model_validate(row) for row in ranking]
        return contracts.CompetitionSucceeded(
            competition_id=competition.id, winner=ranked[0], ranked_offers=ranked
        )
    assert result.failure_reason is not None
    return contracts.CompetitionFailed(
        competition_id=competition.id,
        reason=result.failure_reason,
        offers_received=result.offers_received,
    )


async def reopen_request(
    runtime: Runtime,
    session: AsyncSession,
    request_id: UUID,
    reason: str,
    sop_step: str,
    principal: Principal | None,
    actor: Actor | None = None,
) -> bool:
    """Back to ``accepted`` so that a new competition can run; False if it was not competing."""
    request = await repo.load_request(session, request_id, for_update=True)
    if request is None or request.state != pr.IN_COMPETITION:
        return False
    change = pr.reopen(request, reason, sop_step)
    await save_request_change(runtime, session, request, change, principal, actor=actor)
    return True


async def publish_competition(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition_id: UUID
) -> Competition:
    """Step 12: the result becomes public (winner, ranked evaluated prices, vendor names)."""
    competition = await visible_competition(session, principal, competition_id, for_update=True)
    before = competition.move("publish", str(principal.role), runtime.clock.now())
    await log_competition(
        runtime, session, competition, Change("publish", before, cp.PUBLISHED, "12"), principal
    )
    ranking = await repo.load_ranking(session, competition.id)
    payload = contracts.CompetitionPublished(
        competition_id=competition.id,
        outcome=competition.outcome or "failed",
        failure_reason=competition.failure_reason,
        leaderboard=[contracts.RankedOffer.model_validate(row) for row in ranking],
    )
    await emit(
        runtime,
        session,
        payload,
        procurement_id=competition.purchase_request_id,
        principal=principal,
        sop_step="12",
    )
    return competition


async def generate_package(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition_id: UUID
) -> tuple[Competition, contracts.PackageGenerated]:
    """Step 13: the purchase request data of the winning offer, handed to ordering."""
    competition = await visible_competition(session, principal, competition_id, for_update=True)
    before = competition.move("generate_package", str(principal.role), runtime.clock.now())
    competition.package_id = uuid4()
    payload = await _package_data(session, competition, principal)
    await log_competition(
        runtime,
        session,
        competition,
        Change("generate_package", before, cp.PACKAGE_GENERATED, "13"),
        principal,
    )
    await emit(
        runtime,
        session,
        payload,
        procurement_id=competition.purchase_request_id,
        principal=principal,
        sop_step="13",
    )
    return competition, payload


async def _package_data(
    session: AsyncSession, competition: Competition, principal: Principal
) -> contracts.PackageGenerated:
    request = await repo.load_request(session, competition.purchase_request_id)
    winner = (await repo.load_ranking(session, competition.id))[0]
    vendor = await catalogue.vendor_by_id(session, UUID(winner["vendor_id"]))
    offer = await catalogue.offer_of_vendor(session, competition.id, vendor["id"])
    assert request is not None and offer is not None
    prices = {line.line_no: line for line in offer.terms.lines}
    lines = [
        OrderLine(
            line_no=item.line_no,
            product_id=prices[item.line_no].product_id,
            description=item.description,
            quantity=item.quantity,
            unit=item.unit,
            unit_price=prices[item.line_no].unit_price,
            line_total=prices[item.line_no].unit_price * item.quantity,
        )
        for item in competition.items
    ]
    subtotal = sum(line.line_total for line in lines)
    return contracts.PackageGenerated(
        package_id=competition.package_id,
        purchase_request_id=request.id,
        competition_id=competition.id,
        offer_id=offer.id,
        title=request.title,
        rup_code=request.rup_code,
        fiscal_year=request.fiscal_year,
        work_unit=request.work_unit,
        ppk=Party(id=request.ppk_id, name=request.ppk_name),
        official=party_of(principal),
        vendor=VendorRef(id=vendor["id"], name=vendor["name"], email=vendor["email"]),
        lines=lines,
        shipping_cost=offer.terms.shipping_cost,
        subtotal=subtotal,
        total=subtotal + offer.terms.shipping_cost,
        pagu=request.pagu,
        delivery_address=request.delivery_address,
        delivery_deadline=competition.delivery_deadline,
        delivery_days=offer.terms.delivery_days,
    )
