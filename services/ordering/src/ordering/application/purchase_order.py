"""Steps 21, 22 and 24a: the purchase order (*Surat Pesanan*), its acknowledgement, addenda.

Addenda are allowed while the order is issued or acknowledged. Handover (BAST) happens in the
delivery service; its ``delivery.goods_handed_over.v1`` moves the package to ``handed_over``
(application/delivery_events.py), which ends addenda (domain.md: only before BAST).
"""

from datetime import date
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.http.problems import StateConflict
from epurchasing_shared.persistence import save_document
from epurchasing_shared.service import Runtime
from ordering.adapters import orders
from ordering.adapters.codec import order_lines, party, vendor_ref
from ordering.application.common import Request, emit, load_for, move
from ordering.domain.package import Package
from ordering.domain.purchase_order import (
    AddendumChange,
    OrderTerms,
    amend,
    check_addendum_value,
    format_order_number,
)
from ordering.settings import OrderingSettings


def _settings(runtime: Runtime) -> OrderingSettings:
    assert isinstance(runtime.settings, OrderingSettings)
    return runtime.settings


async def _save(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    package: Package,
    upload: Upload,
    kind: str,
    order_id: UUID,
) -> DocumentRef:
    return await save_document(
        session,
        runtime.spine.documents,
        runtime.documents,
        upload,
        kind=kind,
        owner_kind="purchase_order",
        owner_id=order_id,
        procurement_id=package.procurement_id,
        uploaded_by=request.principal.sub,
        at=runtime.clock.now(),
    )


async def issue_purchase_order(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    *,
    signatory: str,
    terms: str,
    order_date: date | None,
    upload: Upload,
) -> Package:
    """The PPK issues the signed purchase order at the agreed prices (21): version 1."""
    settings = _settings(runtime)
    package, transition = await load_for(session, request, "issue_purchase_order")
    order_date = order_date or runtime.clock.now().astimezone(settings.zone).date()
    seq = await orders.next_order_seq(session, package.work_unit, order_date.year)
    number = format_order_number(
        settings.order_number_format, work_unit=package.work_unit, year=order_date.year, seq=seq
    )
    order_terms = OrderTerms(
        package.lines, package.shipping_cost, package.delivery_deadline, signatory, terms
    )
    order_id = uuid4()
    await orders.insert_order(
        session,
        id=order_id,
        package_id=package.id,
        number=number,
        work_unit=package.work_unit,
        year=order_date.year,
        seq=seq,
        order_date=order_date,
        original_total=order_terms.total,
        current_version=1,
    )
    document = await _save(session, runtime, request, package, upload, "purchase_order", order_id)
    await orders.insert_order_version(
        session,
        order_id,
        1,
        order_terms,
        document_id=document.id,
        by=request.principal.sub,
        at=runtime.clock.now(),
    )
    package = await move(
        session,
        runtime,
        request,
        package,
        transition,
        reason=number,
        documents=[document.as_dict()],
    )
    payload = OrderIssued(
        package_id=package.id,
        order_id=order_id,
        order_number=number,
        version=1,
        order_date=order_date,
        work_unit=package.work_unit,
        ppk=party(package.ppk),
        vendor=vendor_ref(package.vendor),
        lines=order_lines(order_terms.lines),
        shipping_cost=order_terms.shipping_cost,
        total=order_terms.total,
        pagu=package.pagu,
        delivery_address=package.delivery_address,
        delivery_deadline=package.delivery_deadline,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="21",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def _order_of(session: AsyncSession, package: Package):  # type: ignore[no-untyped-def]
    order = await orders.load_order(session, package.id)
    if order is None:  # cannot happen in a state past order_issued; guard all the same
        raise StateConflict("the package has no purchase order", current_state=package.state)
    return order


async def acknowledge_order(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """The vendor reviews and acknowledges the purchase order (22)."""
    package, transition = await load_for(session, request, "acknowledge_order")
    order = await _order_of(session, package)
    now = runtime.clock.now()
    await orders.set_order(
        session, order["id"], acknowledged_at=now, acknowledged_by=request.principal.sub
    )
    package = await move(session, runtime, request, package, transition, reason=order["number"])
    payload = OrderAcknowledged(
        package_id=package.id,
        order_id=order["id"],
        order_number=order["number"],
        version=order["current_version"],
        acknowledged_at=now,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="22",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package


async def amend_order(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    change: AddendumChange,
    reason: str,
    upload: Upload,
) -> Package:
    """The PPK amends the order with an addendum document (24a): a new order version."""
    settings = _settings(runtime)
    package, transition = await load_for(session, request, "amend_order")
    order = await _order_of(session, package)
    versions = await orders.load_versions(session, order["id"])
    amended = amend(orders.terms_from_row(versions[-1]), change)
    check_addendum_value(
        original_total=order["original_total"],
        new_total=amended.total,
        pagu=package.pagu,
        max_increase_percent=settings.addendum_max_increase_percent,
    )
    version = order["current_version"] + 1
    document = await _save(session, runtime, request, package, upload, "addendum", order["id"])
    await orders.insert_order_version(
        session,
        order["id"],
        version,
        amended,
        document_id=document.id,
        by=request.principal.sub,
        at=runtime.clock.now(),
        reason=reason,
    )
    await orders.set_order(session, order["id"], current_version=version)
    package = await move(
        session,
        runtime,
        request,
        package,
        transition,
        reason=f"addendum {version}: {reason}",
        documents=[document.as_dict()],
    )
    payload = OrderAmended(
        package_id=package.id,
        order_id=order["id"],
        order_number=order["number"],
        version=version,
        lines=order_lines(amended.lines),
        shipping_cost=amended.shipping_cost,
        total=amended.total,
        delivery_deadline=amended.delivery_deadline,
        reason=reason,
    )
    await emit(
        session,
        runtime,
        package,
        payload,
        sop_step="24a",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    return package
