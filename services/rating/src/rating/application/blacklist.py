"""SOP 11b: the admin records a blacklist entry and may lift it early, with a reason."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.service import Runtime
from rating.adapters.blacklist_repository import BlacklistRepository
from rating.application.context import SERVICE, actor_of, check_version, today
from rating.domain.blacklist import BlacklistEntry


@dataclass(frozen=True)
class RecordBlacklistEntry:
    vendor_id: UUID
    vendor_name: str | None
    reason: str
    decree_reference: str
    starts_on: date
    ends_on: date | None


async def record_blacklist_entry(
    session: AsyncSession, runtime: Runtime, principal: Principal, command: RecordBlacklistEntry
) -> BlacklistEntry:
    """Record the entry and publish rating.vendor_blacklisted.v1 (competition keeps a copy).

    Blacklist entries belong to no procurement, so they have no procurement history: the
    entry itself keeps who recorded and who lifted it, and when."""
    now = runtime.clock.now()
    entry = BlacklistEntry(
        id=uuid4(),
        vendor_id=command.vendor_id,
        vendor_name=command.vendor_name,
        reason=command.reason,
        decree_reference=command.decree_reference,
        starts_on=command.starts_on,
        ends_on=command.ends_on,
        recorded_at=now,
        recorded_by=principal.sub,
    )
    await BlacklistRepository(session).add(entry)
    payload = VendorBlacklisted(
        entry_id=entry.id,
        vendor_id=entry.vendor_id,
        vendor_name=entry.vendor_name,
        reason=entry.reason,
        decree_reference=entry.decree_reference,
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        recorded_at=now,
    )
    await _publish(session, runtime, principal, payload, entry.vendor_id)
    return entry


async def lift_blacklist_entry(
    session: AsyncSession,
    runtime: Runtime,
    principal: Principal,
    entry_id: UUID,
    reason: str,
    if_match: int | None = None,
) -> BlacklistEntry:
    """Lift an entry early (409 if it is already lifted or has expired)."""
    repository = BlacklistRepository(session)
    entry = await repository.get(entry_id, for_update=True)
    if entry is None:
        raise NotFound(f"blacklist entry {entry_id} not found")
    check_version(if_match, entry.version)
    now = runtime.clock.now()
    lifted = entry.lift(reason, by=principal.sub, at=now, today=today(runtime))
    await repository.save(lifted)
    payload = VendorBlacklistLifted(
        entry_id=lifted.id, vendor_id=lifted.vendor_id, reason=reason, lifted_at=now
    )
    await _publish(session, runtime, principal, payload, lifted.vendor_id)
    return lifted


async def _publish(
    session: AsyncSession,
    runtime: Runtime,
    principal: Principal,
    payload: VendorBlacklisted | VendorBlacklistLifted,
    vendor_id: UUID,
) -> None:
    event = make_event(
        service=SERVICE,
        payload=payload,
        procurement_id=None,
        subject=f"vendor/{vendor_id}",
        time=runtime.clock.now(),
        actor=actor_of(principal),
        sop_step="11b",
    )
    await runtime.record(session, event)
