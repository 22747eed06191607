"""The vendor's steps: start preparing the goods (23) and keep the shipping history (25)."""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from uuid import UUID

from delivery.application.ports import DeliveryUnitOfWork, UnitOfWorkFactory
from delivery.application.steps import (
    answer,
    callers_fulfilment,
    keep_document,
    note,
    principal_of,
    publish,
    reference,
)
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.shipping import WIB, ShipmentStatus, ShippingEntry
from epurchasing_shared.contracts.delivery import PreparationStarted, ShipmentRecorded
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.unit_of_work import Outcome


async def start_preparation(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, procurement_id: UUID
) -> Outcome:
    """Step 23: the vendor starts preparing the goods, only after acknowledging the order."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        change = fulfilment.start_preparation(principal_of(uow).role)
        await note(uow, fulfilment, change)
        payload = PreparationStarted(
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            order_number=fulfilment.order_number,
            order_version=fulfilment.order.version,
            vendor_id=fulfilment.vendor_id,
            started_at=uow.now(),
        )
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment)

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)


@dataclass(frozen=True)
class ShipmentInput:
    status: ShipmentStatus
    courier: str | None
    tracking_number: str | None
    happened_at: datetime | None  # None: now
    note: str | None
    document: Upload | None
    zone: tzinfo = WIB  # the SOP's local time zone, in which the order date is compared


async def record_shipment(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    procurement_id: UUID,
    given: ShipmentInput,
) -> Outcome:
    """Step 25: append one entry to the shipping history; ``delivered`` ends the shipping.
    Created (201) at ``/fulfilments/{id}/shipments/{entry_no}``."""

    async def act(uow: DeliveryUnitOfWork, fulfilment: Fulfilment) -> Outcome:
        now, vendor = uow.now(), principal_of(uow)
        entry = ShippingEntry(
            status=given.status,
            happened_at=given.happened_at or now,
            courier=given.courier,
            tracking_number=given.tracking_number,
            note=given.note,
        )
        change = fulfilment.record_shipment(entry, now, vendor.role, given.zone)
        document = None
        if given.document is not None:
            document = await keep_document(uow, fulfilment, given.document, "delivery_document")
        ref = reference(document) if document else None
        await uow.fulfilments.add_shipment_entry(
            fulfilment.procurement_id,
            fulfilment.shipment_count,
            entry,
            document=ref.model_dump(mode="json") if ref else None,
            recorded_by=vendor.sub,
            recorded_at=now,
        )
        await note(
            uow,
            fulfilment,
            change,
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
        await publish(uow, fulfilment, change, payload)
        return await answer(uow, fulfilment, created=f"shipments/{fulfilment.shipment_count}")

    return await perform(unit_of_work, request, callers_fulfilment(procurement_id), act)
