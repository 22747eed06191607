"""The vendor's steps: start preparing the goods (23) and keep the shipping history (25)."""

from dataclasses import dataclass
from datetime import datetime

from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.application.recording import actor_of, emit, record_change, reference
from delivery.application.runner import StepRequest, run_step, store_document
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.shipping import ShipmentStatus, ShippingEntry
from epurchasing_shared.contracts.delivery import PreparationStarted, ShipmentRecorded
from epurchasing_shared.documents import Upload
from epurchasing_shared.service import Runtime


async def start_preparation(runtime: Runtime, request: StepRequest) -> JSONResponse:
    """Step 23: the vendor starts preparing the goods, only after acknowledging the order."""
    actor = actor_of(request.principal)

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        change = fulfilment.start_preparation()
        await record_change(runtime, session, fulfilment, change, actor)
        payload = PreparationStarted(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            order_number=fulfilment.order_number,
            order_version=fulfilment.order.version,
            vendor_id=fulfilment.vendor_id,
            started_at=runtime.clock.now(),
        )
        await emit(
            runtime,
            session,
            fulfilment,
            payload,
            actor=actor,
            causation_id=request.causation_id,
            sop_step=change.sop_step,
        )

    return await run_step(runtime, request, step)


@dataclass(frozen=True)
class ShipmentInput:
    status: ShipmentStatus
    courier: str | None
    tracking_number: str | None
    happened_at: datetime | None  # None: now
    note: str | None
    document: Upload | None


async def record_shipment(
    runtime: Runtime, request: StepRequest, given: ShipmentInput
) -> JSONResponse:
    """Step 25: append one entry to the shipping history; ``delivered`` ends the shipping."""
    actor = actor_of(request.principal)

    async def step(session: AsyncSession, fulfilment: Fulfilment) -> None:
        now = runtime.clock.now()
        entry = ShippingEntry(
            status=given.status,
            happened_at=given.happened_at or now,
            courier=given.courier,
            tracking_number=given.tracking_number,
            note=given.note,
        )
        change = fulfilment.record_shipment(entry, now)
        document = None
        if given.document is not None:
            document = await store_document(
                runtime, session, request, given.document, "delivery_document"
            )
        ref = reference(document) if document else None
        await repository.add_shipment_entry(
            session,
            fulfilment.procurement_id,
            fulfilment.shipment_count,
            entry,
            document=ref.model_dump(mode="json") if ref else None,
            recorded_by=request.principal.sub,
            recorded_at=now,
        )
        await record_change(
            runtime,
            session,
            fulfilment,
            change,
            actor,
            reason=f"shipping entry {fulfilment.shipment_count}: {entry.status}",
            documents=[document] if document else [],
        )
        payload = ShipmentRecorded(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            entry_no=fulfilment.shipment_count,
            status=entry.status.value,
            courier=entry.courier,
            tracking_number=entry.tracking_number,
            happened_at=entry.happened_at,
            note=entry.note,
            document=ref,
            recorded_at=now,
        )
        await emit(
            runtime,
            session,
            fulfilment,
            payload,
            actor=actor,
            causation_id=request.causation_id,
            sop_step=change.sop_step,
        )

    return await run_step(runtime, request, step, status_code=201)
