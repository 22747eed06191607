"""SOP 11b: the admin records a blacklist entry and may lift it early, with a reason.

Blacklist entries belong to no procurement, so they have no procurement history: the entry
itself keeps who recorded and who lifted it, and when; competition keeps a copy from the
events (subject ``vendor/<id>``).
"""

from dataclasses import dataclass
from datetime import date, tzinfo
from uuid import UUID, uuid4

from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.kernel.actions import ActionRequest, create, perform
from epurchasing_shared.kernel.errors import NotFound, StaleVersion
from epurchasing_shared.kernel.unit_of_work import Outcome, UnitOfWork
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory
from rating.application.views import BlacklistEntryOut, as_json
from rating.application.visibility import require_role
from rating.domain.blacklist import BLACKLIST_MACHINE, BlacklistEntry


@dataclass(frozen=True)
class RecordBlacklistEntry:
    vendor_id: UUID
    vendor_name: str | None
    reason: str
    decree_reference: str
    starts_on: date
    ends_on: date | None


def today(uow: UnitOfWork, zone: tzinfo) -> date:
    """The injected clock's calendar date in the regency's time zone."""
    return uow.now().astimezone(zone).date()


def refuse_if_match_on_creation(request: ActionRequest, what: str) -> None:
    """A new resource has no version yet: an ``If-Match`` naming one cannot hold (412)."""
    if request.if_match is not None:
        raise StaleVersion(request.if_match, 0, what)


async def record_blacklist_entry(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    command: RecordBlacklistEntry,
    zone: tzinfo,
) -> Outcome:
    """Record the entry and publish rating.vendor_blacklisted.v1."""
    principal = request.caller.principal
    require_role(BLACKLIST_MACHINE, "record", principal)
    assert principal is not None

    async def act(uow: RatingUnitOfWork) -> Outcome:
        refuse_if_match_on_creation(request, "a new blacklist entry")
        now, on = uow.now(), today(uow, zone)
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
        entry.check_period(on)
        change = entry.recorded(on, principal.role)
        await uow.blacklist.add(entry)
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
        await uow.record(
            payload,
            procurement_id=None,
            subject=f"vendor/{entry.vendor_id}",
            sop_step=change.sop_step,
        )
        body = as_json(BlacklistEntryOut.for_admin(entry, on))
        return Outcome(body, created=True, location=f"/blacklist/{entry.id}")

    return await create(unit_of_work, request, act)


async def lift_blacklist_entry(
    unit_of_work: UnitOfWorkFactory,
    request: ActionRequest,
    entry_id: UUID,
    reason: str,
    zone: tzinfo,
) -> Outcome:
    """Lift an entry early (409 if it is already lifted or has expired)."""
    principal = request.caller.principal
    require_role(BLACKLIST_MACHINE, "lift", principal)
    assert principal is not None

    async def load(uow: RatingUnitOfWork) -> BlacklistEntry:
        entry = await uow.blacklist.get(entry_id, for_update=True)
        if entry is None:
            raise NotFound(
                f"blacklist entry {entry_id} not found",
                f"entri daftar hitam {entry_id} tidak ditemukan",
            )
        return entry

    async def act(uow: RatingUnitOfWork, entry: BlacklistEntry) -> Outcome:
        now, on = uow.now(), today(uow, zone)
        change = entry.lift(reason, by=principal.sub, at=now, today=on, role=principal.role)
        await uow.blacklist.save(entry)
        payload = VendorBlacklistLifted(
            entry_id=entry.id, vendor_id=entry.vendor_id, reason=reason, lifted_at=now
        )
        await uow.record(
            payload,
            procurement_id=None,
            subject=f"vendor/{entry.vendor_id}",
            sop_step=change.sop_step,
        )
        return Outcome(as_json(BlacklistEntryOut.for_admin(entry, on)))

    return await perform(unit_of_work, request, load, act)
