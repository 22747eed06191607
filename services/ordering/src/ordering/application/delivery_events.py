"""Closing the loop: delivery's BAST (26) and completion (27) move the package by themselves.

- ``delivery.goods_handed_over.v1``: the order is marked handed over (``handed_over_at``, the
  BAST reference) and the package goes to ``handed_over``; addenda (24a) are 409 from then on.
- ``delivery.package_completed.v1``: the package goes to ``closed``, its final state.

Both are idempotent beyond the inbox's event id: a package already at (or past) the point an
event describes is left as it is. A package this service never received, or one that cannot
have been handed over (cancelled, no order), is a ``DeliveryFactRefused``: the consumer turns it
into a PermanentEventError, so the message goes to the DLQ for an operator at once.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.delivery import GoodsHandedOver, PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.history import append_history
from epurchasing_shared.service import Runtime
from ordering.adapters import orders, repository
from ordering.domain.errors import ActionNotAllowed
from ordering.domain.package import Package
from ordering.domain.states import Transition, follow_delivery, next_state


class DeliveryFactRefused(Exception):
    """The delivery event cannot apply to any package of this service."""


@dataclass(frozen=True)
class Fact:
    """What a delivery event tells about one package."""

    package_id: UUID
    order_id: UUID
    action: str
    reason: str
    documents: list[dict[str, Any]]


def _actor(event: CloudEvent) -> Actor | None:
    if event.actorid and event.actorrole:
        return Actor(id=event.actorid, role=event.actorrole)
    return None


async def _locked_package(session: AsyncSession, fact: Fact) -> tuple[Package, dict[str, Any]]:
    package = await repository.load_package(session, fact.package_id, for_update=True)
    if package is None:
        raise DeliveryFactRefused(f"no package {fact.package_id} in ordering")
    order = await orders.load_order(session, package.id)
    if order is None or order["id"] != fact.order_id:
        raise DeliveryFactRefused(
            f"package {package.id} has no purchase order {fact.order_id} (state {package.state})"
        )
    return package, dict(order)


async def _apply(
    session: AsyncSession, runtime: Runtime, event: CloudEvent, fact: Fact, **order_values: Any
) -> bool:
    """Move the package as ``fact`` says; False when it was already applied."""
    package, order = await _locked_package(session, fact)
    try:
        transition = follow_delivery(package.state, fact.action)
    except ActionNotAllowed as error:
        raise DeliveryFactRefused(str(error)) from error
    if transition is None:
        return False
    if order_values:
        await orders.set_order(session, order["id"], **order_values)
    await _move(session, runtime, package, transition, event, fact)
    return True


async def _move(
    session: AsyncSession,
    runtime: Runtime,
    package: Package,
    transition: Transition,
    event: CloudEvent,
    fact: Fact,
) -> None:
    now = runtime.clock.now()
    state = next_state(package.state, transition)
    await repository.update_package(
        session, package.id, state=state.value, version=package.version + 1, updated_at=now
    )
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=package.procurement_id,
        aggregate="package",
        aggregate_id=package.id,
        at=now,
        action=transition.action,
        actor=_actor(event),  # the PPK who acted in delivery, as the event says
        from_state=package.state.value,
        to_state=state.value,
        sop_step=transition.sop_step,
        reason=f"{fact.reason} ({event.type} {event.id})",
        documents=fact.documents,
    )


async def record_handover(
    session: AsyncSession, runtime: Runtime, event: CloudEvent, payload: GoodsHandedOver
) -> bool:
    """The goods were handed over with the BAST (26): no addendum any more."""
    fact = Fact(
        payload.package_id,
        payload.order_id,
        "record_handover",
        "BAST recorded in delivery",
        [payload.bast.model_dump(mode="json")],
    )
    return await _apply(
        session,
        runtime,
        event,
        fact,
        handed_over_at=payload.handed_over_at,
        bast_document_id=payload.bast.id,
    )


async def close_package(
    session: AsyncSession, runtime: Runtime, event: CloudEvent, payload: PackageCompleted
) -> bool:
    """The package was completed in delivery (27): ``closed``, its final state."""
    fact = Fact(
        payload.package_id,
        payload.order_id,
        "close",
        f"order {payload.order_number} completed",
        [],
    )
    return await _apply(session, runtime, event, fact)
