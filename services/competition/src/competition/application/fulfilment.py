"""Closing the loop (27): delivery completed the package, so its purchase request is fulfilled.

Idempotent beyond the inbox: a request already ``fulfilled`` is left as it is. A package no
competition of this service generated, or a request that cannot be fulfilled now (e.g. it
was reopened after the package was cancelled), is a ``CompletionRefused``: the consumer turns it
into a PermanentEventError, so the message goes to the DLQ for an operator at once.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import procurement_repository as repo
from competition.application.purchase_requests import save_request_change
from competition.domain import purchase_request as pr
from competition.domain.errors import ActionNotAllowed
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent
from epurchasing_shared.service import Runtime


class CompletionRefused(Exception):
    """The completion cannot apply to any purchase request of this service."""


async def fulfil_request(
    runtime: Runtime, session: AsyncSession, event: CloudEvent, payload: PackageCompleted
) -> bool:
    """Mark the package's purchase request ``fulfilled``; False when it already was."""
    competition = await repo.competition_of_package(session, payload.package_id)
    if competition is None:
        raise CompletionRefused(f"no competition generated package {payload.package_id}")
    request = await repo.load_request(session, competition.purchase_request_id, for_update=True)
    if request is None:  # cannot happen (foreign key); guard all the same
        raise CompletionRefused(f"no purchase request {competition.purchase_request_id}")
    reason = f"package {payload.package_id} completed: order {payload.order_number}"
    try:
        change = pr.fulfil(request, reason)
    except ActionNotAllowed as error:
        raise CompletionRefused(f"purchase request {request.id}: {error}") from error
    if change is None:
        return False
    actor = (
        Actor(id=event.actorid, role=event.actorrole) if event.actorid and event.actorrole else None
    )
    await save_request_change(runtime, session, request, change, None, actor=actor)
    return True
