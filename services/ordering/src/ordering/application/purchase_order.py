"""Steps 21, 22 and 24a: the purchase order (*Surat Pesanan*), its acknowledgement, addenda.

Each version (21: the order, 24a: an addendum) is also GENERATED as a PDF from the package and
the version (application/letters.py), kept beside the PPK's signed scan, both named with their
SHA-256 in the step's history entry (``GET /packages/{id}/purchase-order.pdf?version=N``).

Addenda are allowed while the order is issued or acknowledged. Handover (BAST) happens in the
delivery service; its ``delivery.goods_handed_over.v1`` moves the package to ``handed_over``
(application/delivery_events.py), which ends addenda (domain.md: only before BAST).
"""

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID, uuid4

from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.kernel.unit_of_work import Caller, Outcome
from epurchasing_shared.letters import generated_upload
from ordering.application.hand_off import record_change
from ordering.application.letters import GENERATED_KIND, letter_filename, purchase_order_letter
from ordering.application.loading import answer, callers_package, principal_of
from ordering.application.payloads import order_lines, party, vendor_ref
from ordering.application.ports import OrderingRules, OrderingUnitOfWork
from ordering.domain.package import Package
from ordering.domain.purchase_order import AddendumChange, format_order_number

UnitOfWorkFactory = Callable[[Caller], OrderingUnitOfWork]
OWNER = "purchase_order"
ORDER_DATE_DAYS = 366  # an order is dated within a year of today
DEADLINE_YEARS = 5  # an addendum's delivery deadline is within five years of today


async def keep_generated_letter(uow: OrderingUnitOfWork, package: Package) -> DocumentRef:
    """Generate the Surat Pesanan of the order's newest version (the PDF, deterministic) and
    keep it as a document of the order; the caller names it in the step's history entry, so
    the history carries its SHA-256."""
    order = package.order
    assert order is not None
    version = order.versions[-1]
    rules = uow.rules
    letter = purchase_order_letter(
        package, order, version, rules.letterhead.of(package.work_unit), rules.zone
    )
    content = await asyncio.to_thread(uow.letters.purchase_order, letter)
    return await uow.save_document(
        generated_upload(content, letter_filename(order.number, version.version)),
        kind=GENERATED_KIND,
        owner_kind=OWNER,
        owner_id=order.id,
        procurement_id=package.procurement_id,
    )


def check_date_near(field: str, value: date, today: date, before: int, after: int) -> None:
    """A sane date: from ``before`` days before today to ``after`` days after (no 1970)."""
    earliest, latest = today - timedelta(days=before), today + timedelta(days=after)
    if not earliest <= value <= latest:
        raise RuleViolation.one(
            field,
            f"{value.isoformat()} is not between {earliest.isoformat()} and {latest.isoformat()}",
            f"tanggal {value.isoformat()} tidak berada antara {earliest.isoformat()} dan "
            f"{latest.isoformat()}",
        )


async def issue_purchase_order(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    rules: OrderingRules,
    *,
    signatory: str,
    terms: str,
    order_date: date | None,
    upload: Upload,
) -> Outcome:
    """The PPK issues the signed purchase order at the agreed prices (21): version 1, numbered
    from the work unit's counter of the order date's year (read in ``rules.zone``)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        package.may("issue_purchase_order", str(who.role))
        today = uow.now().astimezone(rules.zone).date()
        day = order_date or today
        check_date_near("order_date", day, today, ORDER_DATE_DAYS, ORDER_DATE_DAYS)
        order_id = uuid4()
        document = await uow.save_document(
            upload,
            kind="purchase_order",
            owner_kind=OWNER,
            owner_id=order_id,
            procurement_id=package.procurement_id,
        )
        # Taken in a short transaction of its own, after every check and the upload, so that
        # few failures leave a gap and no other order of the work unit waits for this one's
        # letter and writes (docs/order-numbers.md).
        seq = await uow.order_numbers.next_seq(package.work_unit, day.year)
        number = format_order_number(
            rules.order_number_format, work_unit=package.work_unit, year=day.year, seq=seq
        )
        change = package.issue_order(
            str(who.role),
            order_id=order_id,
            number=number,
            seq=seq,
            order_date=day,
            signatory=signatory,
            terms=terms,
            document_id=document.id,
            by=who.sub,
            at=uow.now(),
        )
        generated = await keep_generated_letter(uow, package)
        await record_change(uow, package, change, documents=[document, generated])
        first = package.order.terms if package.order else None
        assert first is not None
        payload = OrderIssued(
            package_id=package.id,
            order_id=order_id,
            order_number=number,
            version=1,
            order_date=day,
            work_unit=package.work_unit,
            ppk=party(package.ppk),
            vendor=vendor_ref(package.vendor),
            lines=order_lines(first.lines),
            shipping_cost=first.shipping_cost,
            total=first.total,
            pagu=package.pagu,
            delivery_address=package.delivery_address,
            delivery_deadline=package.delivery_deadline,
        )
        await uow.record(payload, procurement_id=package.procurement_id, sop_step=change.sop_step)
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def acknowledge_order(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, package_id: UUID
) -> Outcome:
    """The vendor reviews and acknowledges the purchase order (22)."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        now = uow.now()
        change = package.acknowledge_order(str(who.role), by=who.sub, at=now)
        await record_change(uow, package, change)
        order = package.order
        assert order is not None
        payload = OrderAcknowledged(
            package_id=package.id,
            order_id=order.id,
            order_number=order.number,
            version=order.current_version,
            acknowledged_at=now,
        )
        await uow.record(payload, procurement_id=package.procurement_id, sop_step=change.sop_step)
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)


async def amend_order(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    package_id: UUID,
    rules: OrderingRules,
    change: AddendumChange,
    reason: str,
    upload: Upload,
) -> Outcome:
    """The PPK amends the order with an addendum document (24a): a new order version, its
    total within the pagu and the allowed increase over the original total."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        who = principal_of(uow)
        role = str(who.role)
        if change.delivery_deadline is not None:
            today = uow.now().astimezone(rules.zone).date()
            span = DEADLINE_YEARS * 366
            check_date_near("delivery_deadline", change.delivery_deadline, today, span, span)
        amended = package.addendum_terms(role, change, rules.addendum_max_increase_percent)
        order = package.order
        assert order is not None
        document = await uow.save_document(
            upload,
            kind="addendum",
            owner_kind=OWNER,
            owner_id=order.id,
            procurement_id=package.procurement_id,
        )
        taken = package.amend_order(
            role, amended, reason, document_id=document.id, by=who.sub, at=uow.now()
        )
        # A side action of the order's life: whoever's turn it is (the vendor's
        # acknowledgement, 22) goes on.
        generated = await keep_generated_letter(uow, package)
        await record_change(uow, package, taken, documents=[document, generated], close_turn=False)
        payload = OrderAmended(
            package_id=package.id,
            order_id=order.id,
            order_number=order.number,
            version=order.current_version,
            lines=order_lines(amended.lines),
            shipping_cost=amended.shipping_cost,
            total=amended.total,
            delivery_deadline=amended.delivery_deadline,
            reason=reason,
        )
        await uow.record(payload, procurement_id=package.procurement_id, sop_step=taken.sop_step)
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)
