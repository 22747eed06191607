"""The PPK's steps: inspection (BAP), handover (BAST), payments (26) and completion (27)."""

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from uuid import UUID

from delivery.application.letters import GENERATED_KIND, Kind, letter_filename, receipt_letter
from delivery.application.ports import DeliveryUnitOfWork, UnitOfWorkFactory
from delivery.application.steps import (
    answer,
    callers_fulfilment,
    facts,
    keep_document,
    note,
    principal_of,
    publish,
    reference,
)
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.shipping import WIB
from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import (
    GoodsHandedOver,
    GoodsInspected,
    PackageCompleted,
    PaymentRecorded,
)
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Outcome
from epurchasing_shared.letters import generated_upload


async def inspect_goods(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    procurement_id: UUID,
    bap: Upload,
    remark: str | None,
) -> Outcome:
    """Step 26: the PPK inspects the delivered goods and uploads the BAP."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        change = fulfilment.inspect_goods(principal_of(uow).role)
        document = await _record_receipt(uow, fulfilment, change, bap, "bap", remark)
        payload = GoodsInspected(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            bap=reference(document),
            note=remark,
            inspected_at=uow.now(),
        )
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment)

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)


async def hand_over_goods(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    procurement_id: UUID,
    bast: Upload,
    remark: str | None,
) -> Outcome:
    """Step 26: the goods are handed over to the PPK with the BAST, only after the BAP."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        change = fulfilment.hand_over_goods(uow.now(), principal_of(uow).role)
        document = await _record_receipt(uow, fulfilment, change, bast, "bast", remark)
        payload = GoodsHandedOver(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            bast=reference(document),
            note=remark,
            handed_over_at=uow.now(),
        )
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment)

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)


async def _record_receipt(
    uow: DeliveryUnitOfWork,
    fulfilment: Fulfilment,
    change: Change,
    upload: Upload,
    kind: Kind,
    remark: str | None,
) -> DocumentRef:
    """Keep the BAP or BAST document, its row, the generated letter, and the history entry
    that names both (the signed scan and the generated PDF, each with its SHA-256)."""
    document = await keep_document(uow, fulfilment, upload, kind)
    generated = await _generate(uow, fulfilment, kind, remark)
    await uow.fulfilments.add_receipt_of_goods(
        procurement_id=fulfilment.procurement_id,
        kind=kind,
        document=reference(document).model_dump(mode="json"),
        note=remark,
        recorded_by=principal_of(uow).sub,
        recorded_at=uow.now(),
    )
    await note(uow, fulfilment, change, reason=remark, documents=[document, generated])
    return document


async def _generate(
    uow: DeliveryUnitOfWork, fulfilment: Fulfilment, kind: Kind, remark: str | None
) -> DocumentRef:
    """The generated BAP or BAST of this step, dated today (local), kept as a document."""
    zone = uow.zone or WIB

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    inspected_on = None
    if kind == "bast":
        receipts = (await uow.fulfilments.details(fulfilment.procurement_id))["receipts"]
        bap = next((r for r in receipts if r["kind"] == "bap"), None)
        inspected_on = local(bap["recorded_at"]) if bap else None
    letter = receipt_letter(
        kind,
        fulfilment,
        uow.letterhead.of(fulfilment.work_unit),
        day=uow.now().astimezone(zone).date(),
        delivered_on=local(fulfilment.delivered_at),
        note=remark,
        inspected_on=inspected_on,
    )
    content = await asyncio.to_thread(uow.letters.receipt, letter)
    return await keep_document(
        uow,
        fulfilment,
        generated_upload(content, letter_filename(kind, fulfilment.order_number)),
        GENERATED_KIND[kind],
    )


@dataclass(frozen=True)
class PaymentInput:
    amount: int
    payment_document: Upload
    receipt: Upload
    note: str | None


async def record_payment(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    procurement_id: UUID,
    given: PaymentInput,
) -> Outcome:
    """Step 26: one payment (instalment) with its document and receipt, only after the BAST.
    Created (201) at ``/fulfilments/{id}/payments/{payment_no}``."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        change, figures = fulfilment.record_payment(given.amount, principal_of(uow).role)
        paid = await keep_document(uow, fulfilment, given.payment_document, "payment_document")
        receipt = await keep_document(uow, fulfilment, given.receipt, "receipt")
        now = uow.now()
        await uow.fulfilments.add_payment(
            procurement_id=fulfilment.procurement_id,
            payment_no=fulfilment.payment_count,
            amount=figures.amount,
            paid_so_far=figures.paid_so_far,
            order_total=figures.order_total,
            note=given.note,
            payment_document=reference(paid).model_dump(mode="json"),
            receipt=reference(receipt).model_dump(mode="json"),
            recorded_by=principal_of(uow).sub,
            recorded_at=now,
        )
        reason = facts(
            amount=figures.amount,
            paid_so_far=figures.paid_so_far,
            order_total=figures.order_total,
            note=given.note,
        )
        await note(uow, fulfilment, change, reason=reason, documents=[paid, receipt])
        payload = PaymentRecorded(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            payment_no=fulfilment.payment_count,
            amount=figures.amount,
            paid_so_far=figures.paid_so_far,
            order_total=figures.order_total,
            remaining=figures.remaining,
            fully_paid=figures.settles,
            payment_document=reference(paid),
            receipt=reference(receipt),
            recorded_at=now,
        )
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment, created=f"payments/{fulfilment.payment_count}")

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)


async def complete_package(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, procurement_id: UUID, zone: tzinfo
) -> Outcome:
    """Step 27: the PPK completes the paid package; rating learns what it needs to rate.
    ``zone``: the SOP's local time zone, in which the delivery date is compared."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        change, completion = fulfilment.complete_package(zone, principal_of(uow).role)
        await note(uow, fulfilment, change)
        payload = PackageCompleted(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            order_number=fulfilment.order_number,
            vendor=VendorRef(
                id=fulfilment.vendor_id, name=fulfilment.vendor_name, email=fulfilment.vendor_email
            ),
            ppk=Party(id=fulfilment.ppk_id, name=fulfilment.ppk_name),
            work_unit=fulfilment.work_unit,
            order_total=fulfilment.order.total,
            promised_delivery_date=completion.promised_delivery_date,
            actual_delivery_date=completion.actual_delivery_date,
            on_time=completion.on_time,
            completed_at=uow.now(),
        )
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment)

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)
