"""What other services' events change here: the blacklist copy (11b), a cancelled package
(20b: the request may be competed again) and a completed one (27: the request is fulfilled).

Each runs in the consumer's unit of work (the inbox row commits with its effect). An event
that can never apply here is a PermanentEventError: the message goes to the DLQ at once.
"""

from competition.application.ports import CompetitionUnitOfWork
from competition.application.purchase_requests import save_request_change
from competition.application.results import reopen_request
from competition.domain import purchase_request as pr
from competition.domain.errors import ActionNotAllowed
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.kernel.errors import PermanentEventError


def actor_of(event: CloudEvent) -> Actor | None:
    """Who acted in the producing service: the history names them for this change too."""
    if event.actorid and event.actorrole:
        return Actor(id=event.actorid, role=event.actorrole)
    return None


async def record_blacklisting(uow: CompetitionUnitOfWork, entry: VendorBlacklisted) -> None:
    """Keep the entry; it bars the vendor between its start and end dates unless lifted.
    Idempotent by the entry id; a lift that arrived first wins."""
    await uow.catalogue.record_blacklisting(entry)


async def record_lift(uow: CompetitionUnitOfWork, lift: VendorBlacklistLifted) -> None:
    """The entry stops barring the vendor from ``lifted_at`` on; the first lift counts."""
    await uow.catalogue.record_lift(lift)


async def reopen_after_cancellation(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: PackageCancelled
) -> bool:
    """Step 20b: the PPK rejected the package; the request may be competed again. False when
    it is not competing any more (an older event redelivered): nothing left to do."""
    competition = await uow.competitions.get(payload.competition_id)
    if competition is None or competition.package_id != payload.package_id:
        raise PermanentEventError(f"no package {payload.package_id} of this service")
    if competition.purchase_request_id != payload.purchase_request_id:
        raise PermanentEventError("the package belongs to another purchase request")
    reason = f"package {payload.package_id} cancelled: {payload.reason}"
    return await reopen_request(
        uow, payload.purchase_request_id, reason, actor_of(event), cancelled=True
    )


async def fulfil_request(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: PackageCompleted
) -> bool:
    """Step 27: the package's purchase request is ``fulfilled``; False when it already was.
    A package no competition here generated, or a request that cannot be fulfilled now
    (e.g. reopened after its package was cancelled), is refused for good."""
    competition = await uow.competitions.of_package(payload.package_id)
    if competition is None:
        raise PermanentEventError(f"no competition generated package {payload.package_id}")
    request = await uow.requests.get(competition.purchase_request_id, for_update=True)
    if request is None:  # cannot happen (foreign key); guard all the same
        raise PermanentEventError(f"no purchase request {competition.purchase_request_id}")
    reason = f"package {payload.package_id} completed: order {payload.order_number}"
    try:
        change = pr.fulfil(request, reason)
    except ActionNotAllowed as error:
        raise PermanentEventError(f"purchase request {request.id}: {error}") from error
    if change is None:
        return False
    await save_request_change(uow, request, change, actor=actor_of(event))
    return True
