"""Step 17: price negotiation rounds between the official and the vendor."""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.ordering import (
    NegotiationAgreed,
    NegotiationProposed,
    NegotiationRejected,
)
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.service import Runtime
from ordering.adapters import repository
from ordering.adapters.codec import item_prices, lines_to_json, order_lines
from ordering.application.common import Request, emit, load_for, move
from ordering.domain.errors import RuleBroken
from ordering.domain.negotiation import (
    PriceSet,
    RoundStatus,
    check_counter,
    check_proposal,
    counter_to_accept,
    standing_prices,
)
from ordering.domain.package import Package
from ordering.domain.pricing import total, with_prices


async def propose_prices(
    session: AsyncSession, runtime: Runtime, request: Request, proposal: PriceSet, note: str | None
) -> Package:
    """The official proposes per-item unit prices and shipping (a new round)."""
    package, transition = await load_for(session, request, "propose")
    rounds = await repository.load_rounds(session, package.id)
    check_proposal(package.lines, standing_prices(package.offered, rounds), proposal)
    number = len(rounds) + 1
    await repository.insert_round(
        session,
        package.id,
        number,
        proposal,
        by=request.principal.sub,
        at=runtime.clock.now(),
        note=note,
    )
    package = await move(session, runtime, request, package, transition, reason=f"round {number}")
    payload = NegotiationProposed(
        package_id=package.id,
        round=number,
        prices=item_prices(proposal),
        shipping_cost=proposal.shipping_cost,
        total=total(with_prices(package.lines, proposal.prices), proposal.shipping_cost),
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="17",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def _current_round(session: AsyncSession, package: Package, number: int) -> int:
    rounds = await repository.load_rounds(session, package.id)
    if not rounds or rounds[-1].number != number:
        latest = rounds[-1].number if rounds else 0
        raise Invalid(
            f"round {number} is not the open round (the open one is {latest})", field="round"
        )
    return number


async def _agree(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    package: Package,
    action: str,
    prices: PriceSet,
    number: int,
    agreed_by: str,
) -> Package:
    package, transition = await load_for(session, request, action)
    lines = with_prices(package.lines, prices.prices)
    package = await move(
        session,
        runtime,
        request,
        package,
        transition,
        reason=f"round {number} agreed",
        lines=lines_to_json(lines),
        shipping_cost=prices.shipping_cost,
    )
    payload = NegotiationAgreed(
        package_id=package.id,
        round=number,
        agreed_by=agreed_by,  # type: ignore[arg-type]
        lines=order_lines(lines),
        shipping_cost=prices.shipping_cost,
        total=total(lines, prices.shipping_cost),
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="17a",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def accept_proposal(
    session: AsyncSession, runtime: Runtime, request: Request, number: int
) -> Package:
    """The vendor accepts the round's proposal: its prices become the agreed prices (17a)."""
    package, _ = await load_for(session, request, "accept_proposal")
    await _current_round(session, package, number)
    rounds = await repository.load_rounds(session, package.id)
    await repository.answer_round(
        session,
        package.id,
        number,
        RoundStatus.ACCEPTED,
        by=request.principal.sub,
        at=runtime.clock.now(),
    )
    return await _agree(
        session,
        runtime,
        request,
        package,
        "accept_proposal",
        rounds[-1].proposal,
        number,
        "vendor_accepted",
    )


async def reject_proposal(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    number: int,
    counter: PriceSet | None,
    reason: str | None,
) -> Package:
    """The vendor rejects the round, optionally with counter-prices (17b)."""
    package, transition = await load_for(session, request, "reject_proposal")
    await _current_round(session, package, number)
    rounds = await repository.load_rounds(session, package.id)
    if counter is not None:
        check_counter(package.lines, standing_prices(package.offered, rounds[:-1]), counter)
    await repository.answer_round(
        session,
        package.id,
        number,
        RoundStatus.REJECTED,
        by=request.principal.sub,
        at=runtime.clock.now(),
        reason=reason,
        counter=counter,
    )
    package = await move(
        session, runtime, request, package, transition, reason=reason or f"round {number} rejected"
    )
    payload = NegotiationRejected(
        package_id=package.id,
        round=number,
        counter_prices=item_prices(counter) if counter else None,
        counter_shipping_cost=counter.shipping_cost if counter else None,
        reason=reason,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="17b",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def accept_counter(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """The official accepts the vendor's last counter-prices (17a)."""
    package, _ = await load_for(session, request, "accept_counter")
    rounds = await repository.load_rounds(session, package.id)
    try:
        counter = counter_to_accept(rounds)
    except RuleBroken as error:
        raise Invalid(str(error), field="counter_prices") from error
    number = rounds[-1].number
    await repository.answer_round(
        session,
        package.id,
        number,
        RoundStatus.COUNTER_ACCEPTED,
        by=request.principal.sub,
        at=runtime.clock.now(),
    )
    return await _agree(
        session, runtime, request, package, "accept_counter", counter, number, "counter_accepted"
    )
