"""Use cases after the deadline (SOP steps 11–13): evaluate, publish, generate the package."""

from typing import Any
from uuid import UUID, uuid4

from competition.application.access import SYSTEM_ACTOR, party_of
from competition.application.competitions import answer, load_competition, log_competition
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from competition.application.purchase_requests import caller_of, save_request_change
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import Competition
from competition.domain.evaluation import SCORING_FUNCTIONS, EvaluatedOffer, Evaluation, evaluate
from competition.domain.offers import evaluated_price
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.envelope import Actor, EventPayload
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.states import SYSTEM
from epurchasing_shared.kernel.unit_of_work import CALLER, Outcome


async def evaluated_offers(
    uow: CompetitionUnitOfWork, competition: Competition, rules: Rules
) -> list[EvaluatedOffer]:
    """The live offers with their evaluated price and the vendor's blacklist status now."""
    offers = await uow.catalogue.live_offers(competition.id)
    vendor_ids = {offer.vendor_id for offer in offers}
    vendors = await uow.catalogue.vendors_by_ids(vendor_ids)
    entries = await uow.catalogue.blacklist_of(vendor_ids)
    now = uow.now()
    return [
        EvaluatedOffer(
            offer_id=offer.id,
            vendor_id=offer.vendor_id,
            vendor_name=vendors[offer.vendor_id]["name"],
            evaluated_price=evaluated_price(competition, offer.terms),
            submitted_at=offer.submitted_at,
            blacklisted=is_blacklisted(entries.get(offer.vendor_id, []), now, rules.zone),
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


async def evaluate_in(
    uow: CompetitionUnitOfWork, competition: Competition, rules: Rules
) -> Competition:
    """Step 11 on a locked competition: rank the valid offers; succeeded, or failed with a
    reason (the request reopened). The official's ``POST …/evaluate`` and the automatic
    evaluation at the deadline (no principal: the service acting as ``system``) both run it;
    the row lock and the state machine make a second evaluation a conflict."""
    principal = uow.caller.principal
    role = str(principal.role) if principal else SYSTEM
    actor: Actor | object | None = CALLER if principal else SYSTEM_ACTOR
    cp.COMPETITION_MACHINE.check("evaluate", competition.state, role)
    offers = await evaluated_offers(uow, competition, rules)
    result = evaluate(offers, rules.min_offers, SCORING_FUNCTIONS[rules.scoring])
    target = cp.SUCCEEDED if result.outcome == "succeeded" else cp.FAILED
    change = competition.move("evaluate", role, uow.now(), target, result.failure_reason)
    competition.outcome, competition.failure_reason = result.outcome, result.failure_reason
    ranking = ranking_rows(result)
    await log_competition(uow, competition, change, ranking, actor)
    if result.outcome == "failed":
        reason = f"competition {competition.id} failed: {result.failure_reason}"
        await reopen_request(uow, competition.purchase_request_id, reason, actor)
    await uow.record(
        _evaluation_event(competition, result, ranking),
        procurement_id=competition.purchase_request_id,
        sop_step=change.sop_step,
    )
    return competition


async def evaluate_competition(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID, rules: Rules
) -> Outcome:
    """Step 11 by the official (``POST …/evaluate``)."""

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        return await answer(uow, await evaluate_in(uow, competition, rules))

    return await perform(unit_of_work, action, load_competition(competition_id), act)


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
    uow: CompetitionUnitOfWork,
    request_id: UUID,
    reason: str,
    actor: Any = CALLER,
    cancelled: bool = False,
) -> bool:
    """Back to ``accepted`` so that a new competition can run; False if it was not competing."""
    request = await uow.requests.get(request_id, for_update=True)
    if request is None or request.state != pr.IN_COMPETITION:
        return False
    change = pr.reopen(request, reason, cancelled)
    await save_request_change(uow, request, change, actor=actor)
    return True


async def publish_competition(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID
) -> Outcome:
    """Step 12: the result becomes public (winner, ranked evaluated prices, vendor names)."""

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        change = competition.move("publish", str(caller_of(uow).role), uow.now())
        await log_competition(uow, competition, change)
        ranking = await uow.competitions.ranking(competition.id)
        payload = contracts.CompetitionPublished(
            competition_id=competition.id,
            outcome=competition.outcome or "failed",
            failure_reason=competition.failure_reason,
            leaderboard=[contracts.RankedOffer.model_validate(row) for row in ranking],
        )
        await uow.record(
            payload, procurement_id=competition.purchase_request_id, sop_step=change.sop_step
        )
        return await answer(uow, competition)

    return await perform(unit_of_work, action, load_competition(competition_id), act)


async def generate_package(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID
) -> Outcome:
    """Step 13: the purchase request data of the winning offer, handed to ordering."""

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        change = competition.move("generate_package", str(caller_of(uow).role), uow.now())
        competition.package_id = uuid4()
        payload = await _package_data(uow, competition)
        await log_competition(uow, competition, change)
        await uow.record(
            payload, procurement_id=competition.purchase_request_id, sop_step=change.sop_step
        )
        view = (await answer(uow, competition)).body
        return Outcome(view | {"package": payload.model_dump(mode="json")})

    return await perform(unit_of_work, action, load_competition(competition_id), act)


async def _package_data(
    uow: CompetitionUnitOfWork, competition: Competition
) -> contracts.PackageGenerated:
    request = await uow.requests.get(competition.purchase_request_id)
    winner = (await uow.competitions.ranking(competition.id))[0]
    vendor = await uow.catalogue.vendor_by_id(UUID(winner["vendor_id"]))
    assert request is not None and vendor is not None
    offer = await uow.catalogue.offer_of_vendor(competition.id, vendor["id"])
    assert offer is not None and competition.package_id is not None
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
        ppk=Party(id=request.ppk_id, name=request.ppk_name, email=request.ppk_email),
        official=party_of(caller_of(uow)),
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
