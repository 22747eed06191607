"""Use cases driven by the ordering service's events: issue (21), acknowledge (22), amend (24a).

Each runs in the consumer's unit of work (the inbox row commits with its effect). Decisions on
events the fulfilment cannot follow:
- each replica handles the queue's messages one at a time (prefetch 1), in the order the
  relay published them; with several replicas, though, an acknowledgement or addendum may be
  handled by one while another is still committing the ``order_issued`` before it: such an
  event waits a short grace period (``grace_seconds``) for its fulfilment to appear;
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
from uuid import UUID

from delivery.application.ports import DeliveryUnitOfWork
from delivery.application.steps import AGGREGATE
from delivery.domain.fulfilment import AmendmentResult, Fulfilment, OrderTerms
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.kernel.errors import PermanentEventError
from epurchasing_shared.kernel.states import Change

log = logging.getLogger("delivery.order_events")
GRACE_STEP = 0.1


def _actor(event: CloudEvent) -> Actor | None:
    """The history names ordering's actor (the PPK or the vendor), not the consumer."""
    if event.actorid and event.actorrole:
        return Actor(id=event.actorid, role=event.actorrole)
    return None


def _procurement_id(event: CloudEvent) -> UUID:
    if event.procurementid is None:
        raise PermanentEventError(f"{event.type} {event.id} names no procurement")
    return event.procurementid


async def _followed(
    uow: DeliveryUnitOfWork, event: CloudEvent, order_id: UUID, grace_seconds: float
) -> Fulfilment:
    """The fulfilment an order event is about, locked; a permanent error if there is none."""
    procurement_id = _procurement_id(event)
    fulfilment = await uow.fulfilments.get_for_update(procurement_id)
    waited = 0.0
    while fulfilment is None and waited < grace_seconds:
        await asyncio.sleep(GRACE_STEP)
        waited += GRACE_STEP
        fulfilment = await uow.fulfilments.get_for_update(procurement_id)
    if fulfilment is None:
        raise PermanentEventError(f"{event.type} {event.id}: no fulfilment of {procurement_id}")
    if fulfilment.order_id != order_id:
        raise PermanentEventError(
            f"{event.type} {event.id} is about order {order_id}; "
            f"procurement {procurement_id} follows order {fulfilment.order_id}"
        )
    return fulfilment


async def _note(
    uow: DeliveryUnitOfWork,
    fulfilment: Fulfilment,
    event: CloudEvent,
    change: Change,
    *,
    side: bool = False,
) -> None:
    """The history entry of an order event's change. ``side``: an addendum followed (or not)
    leaves whoever's turn it is alone, unless it settles the account (its change then hands
    the PPK the completion, 27)."""
    actor_id, work_unit = fulfilment.turn_holder(change)
    await uow.history(
        change,
        procurement_id=fulfilment.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=fulfilment.procurement_id,
        actor=_actor(event),
        actor_id=actor_id,
        work_unit=work_unit,
        close_turn=not side,
    )


async def open_fulfilment(uow: DeliveryUnitOfWork, event: CloudEvent, order: OrderIssued) -> None:
    """Step 21 seen from delivery: the purchase order is issued; wait for acknowledgement."""
    procurement_id = _procurement_id(event)
    existing = await uow.fulfilments.get_for_update(procurement_id)
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
        ppk_email=order.ppk.email,
        vendor_id=order.vendor.id,
        vendor_name=order.vendor.name,
        vendor_email=str(order.vendor.email) if order.vendor.email else None,
        order=_terms(order),
        order_date=order.order_date,
        pagu=order.pagu,
        delivery_address=order.delivery_address,
    )
    await uow.fulfilments.add(fulfilment)
    reason = f"order {order.order_number} version {order.version}, total {order.total}"
    await _note(uow, fulfilment, event, fulfilment.opened(reason))


def _terms(order: OrderIssued | OrderAmended) -> OrderTerms:
    return OrderTerms(
        version=order.version,
        total=order.total,
        shipping_cost=order.shipping_cost,
        delivery_deadline=order.delivery_deadline,
        lines=tuple(line.model_dump(mode="json") for line in order.lines),
    )


async def acknowledge_order(
    uow: DeliveryUnitOfWork, event: CloudEvent, ack: OrderAcknowledged, grace_seconds: float
) -> None:
    """Step 22: the vendor acknowledged the order; preparation may start."""
    fulfilment = await _followed(uow, event, ack.order_id, grace_seconds)
    change = fulfilment.acknowledge_order()
    if change is None:
        log.info("order %s already acknowledged; %s ignored", ack.order_id, event.id)
        return
    await _note(uow, fulfilment, event, change)
    await uow.fulfilments.save(fulfilment)


async def follow_amendment(
    uow: DeliveryUnitOfWork, event: CloudEvent, amended: OrderAmended, grace_seconds: float
) -> None:
    """Step 24a: follow the newest order version and total; see the module's decisions."""
    fulfilment = await _followed(uow, event, amended.order_id, grace_seconds)
    followed = fulfilment.order.version
    outcome = fulfilment.follow_amendment(_terms(amended), committed_at=event.time)
    if outcome.result is AmendmentResult.STALE or outcome.noted is None:
        log.info(
            "order %s version %s is older than version %s followed; ignored",
            amended.order_id,
            amended.version,
            followed,
        )
        return
    await _note(uow, fulfilment, event, outcome.noted, side=True)
    if outcome.result is AmendmentResult.NOT_APPLIED:
        log.warning("order %s: amendment not applied: %s", amended.order_id, outcome.reason)
        return
    await uow.fulfilments.save(fulfilment)
