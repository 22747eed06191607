"""Steps 18–20 and cancellation: vendor approval, sending to the PPK, the PPK's review."""

from collections.abc import Callable
from uuid import UUID

from epurchasing_shared.contracts.envelope import EventPayload
from epurchasing_shared.contracts.ordering import (
    PackageApproved,
    PackageCancelled,
    PackageSentToPpk,
    VendorApproved,
)
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Caller, Outcome
from ordering.application.hand_off import record_change
from ordering.application.loading import answer, callers_package, role_of
from ordering.application.payloads import order_lines, party, vendor_ref
from ordering.application.ports import OrderingUnitOfWork
from ordering.domain.package import Package

UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]


async def _step(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    take: Callable[[Package, str], Change],
    payload_of: Callable[[Package, OrderingUnitOfWork], EventPayload],
) -> Outcome:
    """One review step: the package's change, its history entry and its event."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        change = take(package, role_of(uow))
        await record_change(uow, package, change)
        await uow.record(
            payload_of(package, uow),
            procurement_id=package.procurement_id,
            sop_step=change.sop_step,
        )
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def vendor_approve(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID
) -> Outcome:
    """The vendor approves the purchase at the agreed (or offered) prices (18)."""
    return await _step(
        unit_of_work,
        request,
        package_id,
        Package.approve,
        lambda package, _: VendorApproved(
            package_id=package.id,
            vendor=vendor_ref(package.vendor),
            lines=order_lines(package.lines),
            shipping_cost=package.shipping_cost,
            total=package.total,
        ),
    )


async def send_to_ppk(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID
) -> Outcome:
    """The official sends the approved package to the PPK (19)."""
    return await _step(
        unit_of_work,
        request,
        package_id,
        Package.send_to_ppk,
        lambda p, _: PackageSentToPpk(package_id=p.id, ppk=party(p.ppk), total=p.total),
    )


async def ppk_approve(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID
) -> Outcome:
    """The PPK approves the package: a purchase order can be drafted (20a)."""
    return await _step(
        unit_of_work,
        request,
        package_id,
        Package.ppk_approve,
        lambda p, _: PackageApproved(package_id=p.id, ppk=party(p.ppk), total=p.total),
    )


async def cancel_package(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    action: str,
    reason: str,
) -> Outcome:
    """Cancel with a reason: the PPK rejects it (20b) or the official ends the negotiation (17).
    Competition consumes ``package_cancelled`` so the purchase request can be re-competed."""
    return await _step(
        unit_of_work,
        request,
        package_id,
        lambda package, role: package.cancel(role, action, reason),
        lambda p, uow: PackageCancelled(
            package_id=p.id,
            purchase_request_id=p.procurement_id,
            competition_id=p.competition_id,
            reason=reason,
            cancelled_at=uow.now(),
        ),
    )
