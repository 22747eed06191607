"""Step 17: price negotiation rounds between the official and the vendor."""

from collections.abc import Callable
from uuid import UUID

from epurchasing_shared.contracts.ordering import (
    NegotiationAgreed,
    NegotiationProposed,
    NegotiationRejected,
)
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Caller, Outcome
from ordering.application.hand_off import record_change
from ordering.application.loading import answer, callers_package, principal_of
from ordering.application.payloads import item_prices, order_lines
from ordering.application.ports import OrderingUnitOfWork
from ordering.domain.negotiation import PriceSet
from ordering.domain.package import Package
from ordering.domain.pricing import total, with_prices

UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]


async def _history(uow: OrderingUnitOfWork, package: Package, change: Change) -> None:
    await record_change(uow, package, change)


async def propose_prices(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    proposal: PriceSet,
    note: str | None,
) -> Outcome:
    """The official proposes per-item unit prices and shipping (a new round)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        change = package.propose(str(who.role), proposal, by=who.sub, at=uow.now(), note=note)
        await _history(uow, package, change)
        payload = NegotiationProposed(
            package_id=package.id,
            round=len(package.rounds),
            prices=item_prices(proposal),
            shipping_cost=proposal.shipping_cost,
            total=total(with_prices(package.lines, proposal.prices), proposal.shipping_cost),
        )
        await uow.record(payload, procurement_id=package.procurement_id, sop_step=change.sop_step)
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def _agreed(
    uow: OrderingUnitOfWork, package: Package, change: Change, agreed_by: str
) -> Outcome:
    await _history(uow, package, change)
    payload = NegotiationAgreed(
        package_id=package.id,
        round=package.agreed_round,
        agreed_by=agreed_by,  # type: ignore[arg-type]
        lines=order_lines(package.lines),
        shipping_cost=package.shipping_cost,
        total=package.total,
    )
    await uow.record(payload, procurement_id=package.procurement_id, sop_step=change.sop_step)
    return await answer(uow, package)


async def accept_proposal(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID, number: int
) -> Outcome:
    """The vendor accepts the round's proposal: its prices become the agreed prices (17a)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        change = package.accept_proposal(str(who.role), number, by=who.sub, at=uow.now())
        return await _agreed(uow, package, change, "vendor_accepted")

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def reject_proposal(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    number: int,
    counter: PriceSet | None,
    reason: str | None,
) -> Outcome:
    """The vendor rejects the round, optionally with counter-prices (17b)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        change = package.reject_proposal(
            str(who.role), number, counter, reason, by=who.sub, at=uow.now()
        )
        await _history(uow, package, change)
        payload = NegotiationRejected(
            package_id=package.id,
            round=number,
            counter_prices=item_prices(counter) if counter else None,
            counter_shipping_cost=counter.shipping_cost if counter else None,
            reason=reason,
        )
        await uow.record(payload, procurement_id=package.procurement_id, sop_step=change.sop_step)
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def accept_counter(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID
) -> Outcome:
    """The official accepts the vendor's last counter-prices (17a)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        change = package.accept_counter(str(principal_of(uow).role))
        return await _agreed(uow, package, change, "counter_accepted")

    return await perform(unit_of_work, request, callers_package(package_id), act)
