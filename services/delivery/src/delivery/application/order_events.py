"""Use cases driven by the ordering service's events: issue (21), acknowledge (22), amend (24a).

Decision on events the fulfilment cannot follow:
- the consumer handles messages concurrently, so an acknowledgement or addendum may be handled
  while the ``order_issued`` before it is still being committed: such an event waits a short
  grace period (``order_event_grace_seconds``) for its fulfilment to appear;
- an event for a procurement that still has no fulfilment (or for another order than the one
  followed) raises PermanentEventError: it goes to the DLQ at once, where an operator can
  replay it (e.g. after the missing ``order_issued`` has been handled); nothing is half-applied;
- an addendum committed in ordering (the envelope's ``time``) at or after the BAST recorded
  here is not applied (24a: addenda only before BAST; ordering hears of the BAST only
  asynchronously, so it may have accepted one); one committed before the BAST is followed
  even when it arrives after it;
- an addendum that arrives once the order is paid in full, or whose total is below what is
  already paid, is a real fact the money can no longer follow: it is acknowledged and kept in
  the history (``amendment_not_applied``, with the reason) for the PPK and the auditors;
- an older or equal order version than the one followed is stale and changes nothing.
"""

import asyncio
import logging
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.application.recording import AGGREGATE, record_change
from delivery.domain.fulfilment import AmendmentResult, Fulfilment, OrderTerms
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.history import append_history
from epurchasing_shared.messaging.consumer import PermanentEventError
from epurchasing_shared.service import Runtime

log = logging.getLogger("delivery.order_events")
GRACE_STEP = 0.1


def _grace(runtime: Runtime) -> float:
    return float(getattr(runtime.settings, "order_event_grace_seconds", 2.0))


def _actor(event: CloudEvent) -> Actor | None:
    if event.actorid and event.actorrole:
        return Actor(id=event.actorid, role=event.actorrole)
    return None


def _procurement_id(event: CloudEvent) -> UUID:
    if event.procurementid is None:
        raise PermanentEventError(f"{event.type} {event.id} names no procurement")
    return event.procurementid


async def _followed(
    session: AsyncSession, event: CloudEvent, order_id: UUID, grace_seconds: float
) -> Fulfilment:
    """The fulfilment an order event is about, locked; a permanent error if there is none."""
    procurement_id = _procurement_id(event)
    fulfilment = await repository.load_for_update(session, procurement_id)
    waited = 0.0
    while fulfilment is None and waited < grace_seconds:
        await asyncio.sleep(GRACE_STEP)
        waited += GRACE_STEP
        fulfilment = await repository.load_for_update(session, procurement_id)
    if fulfilment is None:
        raise PermanentEventError(f"{event.type} {event.id}: no fulfilment of {procurement_id}")
    if fulfilment.order_id != order_id:
        raise PermanentEventError(
            f"{event.type} {event.id} is about order {order_id}; "
            f"procurement {procurement_id} follows order {fulfilment.order_id}"
        )
    return fulfilment


async def _note(
    runtime: Runtime, session: AsyncSession, fulfilment: Fulfilment, event: CloudEvent, **entry: Any
) -> None:
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=fulfilment.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=fulfilment.procurement_id,
        at=runtime.clock.now(),
        actor=_actor(event),
        **entry,
    )


async def open_fulfilment(
    runtime: Runtime, session: AsyncSession, event: CloudEvent, order: OrderIssued
) -> None:
    """Step 21 seen from delivery: the purchase order is issued; wait for acknowledgement."""
    procurement_id = _procurement_id(event)
    existing = await repository.load_for_update(session, procurement_id)
    if existing is not None:
        if existing.order_id == order.order_id:
            log.info(
                "order %s already followed; %s %s ignored", order.order_id, event.type, event.id
            )
            return
        raise PermanentEventError(
            f"procurement {procurement_id} already follows order {existing.order_id}, "
            f"not {order.order_id}"
        )
    fulfilment = Fulfilment(
        procurement_id=procurement_id,
        package_id=order.package_id,
        order_id=order.order_id,
        order_number=order.order_number,
        work_unit=order.work_unit,
        ppk_id=order.ppk.id,
        ppk_name=order.ppk.name,
        vendor_id=order.vendor.id,
        vendor_name=order.vendor.name,
        vendor_email=str(order.vendor.email) if order.vendor.email else None,
        order=_terms(order),
        order_date=order.order_date,
        pagu=order.pagu,
        delivery_address=order.delivery_address,
    )
    await repository.add_fulfilment(session, fulfilment, runtime.clock.now())
    await _note(
        runtime,
        session,
        fulfilment,
        event,
        action="open_fulfilment",
        from_state=None,
        to_state=fulfilment.state.value,
        sop_step="21",
        reason=f"order {order.order_number} version {order.version}, total {order.total}",
    )


def _terms(order: OrderIssued | OrderAmended) -> OrderTerms:
    return OrderTerms(
        version=order.version,
        total=order.total,
        shipping_cost=order.shipping_cost,
        delivery_deadline=order.delivery_deadline,
        lines=tuple(line.model_dump(mode="json") for line in order.lines),
    )


async def acknowledge_order(
    runtime: Runtime, session: AsyncSession, event: CloudEvent, ack: OrderAcknowledged
) -> None:
    """Step 22: the vendor acknowledged the order; preparation may start."""
    fulfilment = await _followed(session, event, ack.order_id, _grace(runtime))
    change = fulfilment.acknowledge_order()
    if change is None:
        log.info("order %s already acknowledged; %s ignored", ack.order_id, event.id)
        return
    await record_change(runtime, session, fulfilment, change, _actor(event))
    await repository.save(session, fulfilment, runtime.clock.now())


async def follow_amendment(
    runtime: Runtime, session: AsyncSession, event: CloudEvent, amended: OrderAmended
) -> None:
    """Step 24a: follow the newest order version and total; see the module's decisions."""
    fulfilment = await _followed(session, event, amended.order_id, _grace(runtime))
    before = fulfilment.order
    outcome = fulfilment.follow_amendment(_terms(amended), committed_at=event.time)
    if outcome.result is AmendmentResult.STALE:
        log.info(
            "order %s version %s is older than version %s followed; ignored",
            amended.order_id,
            amended.version,
            before.version,
        )
        return
    state = fulfilment.state.value
    if outcome.result is AmendmentResult.NOT_APPLIED:
        log.warning("order %s: amendment not applied: %s", amended.order_id, outcome.reason)
        await _note(
            runtime,
            session,
            fulfilment,
            event,
            action="amendment_not_applied",
            from_state=state,
            to_state=state,
            sop_step="24a",
            reason=outcome.reason,
        )
        return
    await _note(
        runtime,
        session,
        fulfilment,
        event,
        action="follow_amendment",
        from_state=outcome.change.from_state.value if outcome.change else state,
        to_state=state,
        sop_step="24a",
        reason=f"order version {before.version} -> {amended.version}: total {before.total} -> "
        f"{amended.total}, delivery deadline {amended.delivery_deadline.isoformat()}",
    )
    await repository.save(session, fulfilment, runtime.clock.now())
