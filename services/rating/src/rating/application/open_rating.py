"""Step 27, system side: a completed package opens a pending rating for its PPK."""

from uuid import uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.history import append_history
from epurchasing_shared.messaging.consumer import PermanentEventError
from epurchasing_shared.service import Runtime
from rating.adapters.ratings_repository import RatingRepository
from rating.domain.rating import PENDING, CompletedPackage, Rating


async def open_rating_for_completed_package(
    session: AsyncSession, runtime: Runtime, event: CloudEvent, completed: PackageCompleted
) -> bool:
    """Open the package's rating unless it already has one (a redelivered completion, even
    under another event id, opens no second). True if a rating was opened."""
    if event.procurementid is None:
        raise PermanentEventError("delivery.package_completed.v1 without a procurement id")
    package = CompletedPackage(
        procurement_id=event.procurementid,
        package_id=completed.package_id,
        order_id=completed.order_id,
        order_number=completed.order_number,
        vendor_id=completed.vendor.id,
        vendor_name=completed.vendor.name,
        ppk_id=completed.ppk.id,
        ppk_name=completed.ppk.name,
        work_unit=completed.work_unit,
        on_time=completed.on_time,
        completed_at=completed.completed_at,
    )
    now = runtime.clock.now()
    rating = Rating(id=uuid4(), package=package, opened_at=now)
    if not await RatingRepository(session).open_if_new(rating):
        return False
    by = (
        Actor(id=event.actorid, role=event.actorrole) if event.actorid and event.actorrole else None
    )
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=package.procurement_id,
        aggregate="rating",
        aggregate_id=rating.id,
        at=now,
        action="open_rating",
        actor=by,
        from_state=None,
        to_state=PENDING,
        sop_step="27",
        reason=f"package {package.package_id} completed (event {event.id})",
    )
    return True
