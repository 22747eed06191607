"""Steps 18–20 and cancellation: vendor approval, sending to the PPK, the PPK's review."""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.ordering import (
    PackageApproved,
    PackageCancelled,
    PackageSentToPpk,
    VendorApproved,
)
from epurchasing_shared.service import Runtime
from ordering.adapters.codec import order_lines, party, vendor_ref
from ordering.application.common import Request, emit, load_for, move
from ordering.domain.package import Package


async def vendor_approve(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """The vendor approves the purchase at the agreed (or offered) prices (18)."""
    package, transition = await load_for(session, request, "approve")
    package = await move(session, runtime, request, package, transition)
    payload = VendorApproved(
        package_id=package.id,
        vendor=vendor_ref(package.vendor),
        lines=order_lines(package.lines),
        shipping_cost=package.shipping_cost,
        total=package.total,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="18",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def send_to_ppk(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """The official sends the approved package to the PPK (19)."""
    package, transition = await load_for(session, request, "send_to_ppk")
    package = await move(session, runtime, request, package, transition)
    payload = PackageSentToPpk(package_id=package.id, ppk=party(package.ppk), total=package.total)
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="19",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def ppk_approve(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """The PPK approves the package: a purchase order can be drafted (20a)."""
    package, transition = await load_for(session, request, "ppk_approve")
    package = await move(session, runtime, request, package, transition)
    payload = PackageApproved(package_id=package.id, ppk=party(package.ppk), total=package.total)
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="20a",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def cancel_package(
    session: AsyncSession, runtime: Runtime, request: Request, action: str, reason: str
) -> Package:
    """Cancel with a reason: the PPK rejects it (20b) or the official ends the negotiation (17).
    Competition consumes ``package_cancelled`` so the purchase request can be re-competed."""
    package, transition = await load_for(session, request, action)
    package = await move(
        session, runtime, request, package, transition, reason=reason, cancel_reason=reason
    )
    payload = PackageCancelled(
        package_id=package.id,
        purchase_request_id=package.procurement_id,
        competition_id=package.competition_id,
        reason=reason,
        cancelled_at=runtime.clock.now(),
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step=transition.sop_step,
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package
