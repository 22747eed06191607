"""Step 27, system side: a completed package opens a pending rating for its PPK."""

from uuid import uuid4

from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.kernel.errors import PermanentEventError
from rating.application.ports import RatingUnitOfWork
from rating.domain.rating import CompletedPackage, Rating


async def open_rating_for_completed_package(
    uow: RatingUnitOfWork, event: CloudEvent, completed: PackageCompleted
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
    reason = f"package {package.package_id} completed (event {event.id})"
    rating, change = Rating.open(uuid4(), package, uow.now(), reason)
    if not await uow.ratings.open_if_new(rating):
        return False
    await uow.scorecards.count_package(package, uow.now())
    # The history names who completed the package (the PPK), not the service.
    by = (
        Actor(id=event.actorid, role=event.actorrole) if event.actorid and event.actorrole else None
    )
    await uow.history(
        change,
        procurement_id=package.procurement_id,
        aggregate="rating",
        aggregate_id=rating.id,
        actor=by,
        # The PPK's turn (step 27, one working day, from the table): the package's own PPK.
        actor_id=package.ppk_id,
        work_unit=package.work_unit,
    )
    return True
