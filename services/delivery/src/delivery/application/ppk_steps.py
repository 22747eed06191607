"""The PPK's steps: inspection (BAP), handover (BAST), payments (26) and completion (27)."""

from dataclasses import dataclass

from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.application.recording import actor_of, emit, history_extra, record_change, reference
from delivery.application.runner import StepRequest, run_step, store_document
from delivery.domain.fulfilment import Change, Fulfilment
from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import (
    GoodsHandedOver,
    GoodsInspected,
    PackageCompleted,
    PaymentRecorded,
)
from epurchasing_shared.contracts.envelope import EventPayload
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.service import Runtime


async def _emit(
    runtime: Runtime,
    session: AsyncSession,
    request: StepRequest,
    fulfilment: Fulfilment,
    change: Change,
    payload: EventPayload,
) -> None:
    await emit(
        runtime,
        session,
        fulfilment,
        payload,
        actor=actor_of(request.principal),
        causation_id=request.causation_id,
        sop_step=change.sop_step,
    )


async def inspect_goods(
    runtime: Runtime, request: StepRequest, bap: Upload, note: str | None
) -> JSONResponse:
    """Step 26: the PPK inspects the delivered goods and uploads the BAP."""

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        change = fulfilment.inspect_goods()
        document = await store_document(runtime, session, request, bap, "bap")
        await _record_receipt(runtime, session, request, fulfilment, change, document, note)
        payload = GoodsInspected(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            bap=reference(document),
            note=note,
            inspected_at=runtime.clock.now(),
        )
        await _emit(runtime, session, request, fulfilment, change, payload)

    return await run_step(runtime, request, step)


async def hand_over_goods(
    runtime: Runtime, request: StepRequest, bast: Upload, note: str | None
) -> JSONResponse:
    """Step 26: the goods are handed over to the PPK with the BAST, only after the BAP."""

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        change = fulfilment.hand_over_goods(runtime.clock.now())
        document = await store_document(runtime, session, request, bast, "bast")
        await _record_receipt(runtime, session, request, fulfilment, change, document, note)
        payload = GoodsHandedOver(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            bast=reference(document),
            note=note,
            handed_over_at=runtime.clock.now(),
        )
        await _emit(runtime, session, request, fulfilment, change, payload)

    return await run_step(runtime, request, step)


async def _record_receipt(
    runtime: Runtime,
    session: AsyncSession,
    request: StepRequest,
    fulfilment: Fulfilment,
    change: Change,
    document: DocumentRef,
    note: str | None,
) -> None:
    """Keep the BAP or BAST row and the history entry that names the document."""
    await repository.add_receipt_of_goods(
        session,
        procurement_id=fulfilment.procurement_id,
        kind=document.kind,
        document=reference(document).model_dump(mode="json"),
        note=note,
        recorded_by=request.principal.sub,
        recorded_at=runtime.clock.now(),
    )
    actor = actor_of(request.principal)
    await record_change(
        runtime, session, fulfilment, change, actor, reason=note, documents=[document]
    )


@dataclass(frozen=True)
class PaymentInput:
    amount: int
    payment_document: Upload
    receipt: Upload
    note: str | None


async def record_payment(
    runtime: Runtime, request: StepRequest, given: PaymentInput
) -> JSONResponse:
    """Step 26: one payment (instalment) with its document and receipt, only after the BAST."""

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        change, figures = fulfilment.record_payment(given.amount)
        paid = await store_document(
            runtime, session, request, given.payment_document, "payment_document"
        )
        receipt = await store_document(runtime, session, request, given.receipt, "receipt")
        now = runtime.clock.now()
        await repository.add_payment(
            session,
            procurement_id=fulfilment.procurement_id,
            payment_no=fulfilment.payment_count,
            amount=figures.amount,
            paid_so_far=figures.paid_so_far,
            order_total=figures.order_total,
            note=given.note,
            payment_document=reference(paid).model_dump(mode="json"),
            receipt=reference(receipt).model_dump(mode="json"),
            recorded_by=request.principal.sub,
            recorded_at=now,
        )
        reason = history_extra(
            amount=figures.amount,
            paid_so_far=figures.paid_so_far,
            order_total=figures.order_total,
            note=given.note,
        )
        actor = actor_of(request.principal)
        await record_change(
            runtime, session, fulfilment, change, actor, reason=reason, documents=[paid, receipt]
        )
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
        await _emit(runtime, session, request, fulfilment, change, payload)

    return await run_step(runtime, request, step, status_code=201)


async def complete_package(runtime: Runtime, request: StepRequest) -> JSONResponse:
    """Step 27: the PPK completes the paid package; rating learns what it needs to rate."""
    zone = runtime.settings.zone

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        change, completion = fulfilment.complete_package(zone)
        await record_change(runtime, session, fulfilment, change, actor_of(request.principal))
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
            completed_at=runtime.clock.now(),
        )
        await _emit(runtime, session, request, fulfilment, change, payload)

    return await run_step(runtime, request, step)
