"""Closing the loop: delivery's BAST (26) and completion (27) move the package by themselves.

- ``delivery.goods_handed_over.v1``: the order is marked handed over (``handed_over_at``, the
  BAST reference) and the package goes to ``handed_over``; addenda (24a) are 409 from then on.
- ``delivery.package_completed.v1``: the package goes to ``closed``, its final state.

Both are idempotent beyond the inbox's event id: a package already at (or past) the point an
event describes is left as it is. A package this service never received, or one that cannot
have been handed over (cancelled, no order), can never apply: a PermanentEventError sends the
message to the DLQ for an operator at once.
"""

from uuid import UUID

from epurchasing_shared.contracts.delivery import GoodsHandedOver, PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.kernel.errors import PermanentEventError, Refused
from epurchasing_shared.kernel.states import Change
from ordering.application.loading import AGGREGATE
from ordering.application.ports import OrderingUnitOfWork
from ordering.domain.package import Package


def _actor(event: CloudEvent) -> Actor | None:
    """The PPK who acted in delivery, as the event says."""
    if event.actorid and event.actorrole:
        return Actor(id=event.actorid, role=event.actorrole)
    return None


async def _package(uow: OrderingUnitOfWork, package_id: UUID) -> Package:
    package = await uow.packages.get(package_id, for_update=True)
    if package is None:
        raise PermanentEventError(f"no package {package_id} in ordering")
    return package


async def _keep(
    uow: OrderingUnitOfWork,
    event: CloudEvent,
    package: Package,
    change: Change | None,
    documents: list[DocumentRef],
) -> bool:
    if change is None:
        return False
    await uow.packages.save(package)
    await uow.history(
        change,
        procurement_id=package.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=package.id,
        reason=f"{change.reason} ({event.type} {event.id})",
        documents=documents,
        actor=_actor(event),
    )
    return True


async def record_handover(
    uow: OrderingUnitOfWork, event: CloudEvent, payload: GoodsHandedOver
) -> bool:
    """The goods were handed over with the BAST (26): no addendum any more. False when it
    was already applied."""
    package = await _package(uow, payload.package_id)
    try:
        change = package.hand_over(
            payload.order_id, payload.handed_over_at, payload.bast.id, "BAST recorded in delivery"
        )
    except Refused as error:
        raise PermanentEventError(error.detail) from error
    bast = DocumentRef(
        **payload.bast.model_dump(),
        uploaded_by=event.actorid or "delivery",
        uploaded_at=payload.handed_over_at,
    )
    return await _keep(uow, event, package, change, [bast])


async def close_package(
    uow: OrderingUnitOfWork, event: CloudEvent, payload: PackageCompleted
) -> bool:
    """The package was completed in delivery (27): ``closed``, its final state."""
    package = await _package(uow, payload.package_id)
    try:
        change = package.follow_delivery(
            "close", payload.order_id, f"order {payload.order_number} completed"
        )
    except Refused as error:
        raise PermanentEventError(error.detail) from error
    return await _keep(uow, event, package, change, [])
