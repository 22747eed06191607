"""What every ordering use case does: load the caller's package, move it, keep history, emit."""

from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.contracts.envelope import Actor, EventPayload, make_event
from epurchasing_shared.history import append_history
from epurchasing_shared.http.problems import NotFound, PreconditionFailed
from epurchasing_shared.service import Runtime
from ordering.adapters import repository
from ordering.domain.package import Package
from ordering.domain.states import Transition, check_transition, next_state

SERVICE = "ordering"


@dataclass(frozen=True)
class Request:
    """Who asks, about which package, under which causation (HTTP request id)."""

    principal: Principal
    package_id: UUID
    causation_id: str | None = None
    expected_version: int | None = None  # If-Match

    @property
    def actor(self) -> Actor:
        return Actor(id=self.principal.sub, role=self.principal.role.value)


def can_see(package: Package, principal: Principal) -> bool:
    """Official and PPK of the work unit, the package's vendor, auditors and admins."""
    if principal.reads_everything:
        return True
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL):
        return principal.work_unit == package.work_unit
    if principal.role is Role.VENDOR:
        return principal.vendor_id == package.vendor.id
    return False


async def load_visible(
    session: AsyncSession, request: Request, *, for_update: bool = False
) -> Package:
    """The package, if the caller may see it (404 otherwise, so nothing is revealed)."""
    package = await repository.load_package(session, request.package_id, for_update=for_update)
    if package is None or not can_see(package, request.principal):
        raise NotFound(f"package {request.package_id} not found")
    if request.expected_version is not None and request.expected_version != package.version:
        raise PreconditionFailed(
            f"package is at version {package.version}, not {request.expected_version}"
        )
    return package


async def load_for(
    session: AsyncSession, request: Request, action: str
) -> tuple[Package, Transition]:
    """Lock the caller's package and check that ``action`` is allowed now (403/404/409)."""
    package = await load_visible(session, request, for_update=True)
    transition = check_transition(package.state, action, request.principal.role.value)
    return package, transition


async def move(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    package: Package,
    transition: Transition,
    *,
    reason: str | None = None,
    documents: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> Package:
    """Apply the transition: new state and version, the changed columns, a history entry."""
    now = runtime.clock.now()
    state = next_state(package.state, transition)
    await repository.update_package(
        session,
        package.id,
        state=state.value,
        version=package.version + 1,
        updated_at=now,
        **changes,
    )
    await append_history(
        session,
        runtime.spine.history,
        procurement_id=package.procurement_id,
        aggregate="package",
        aggregate_id=package.id,
        at=now,
        action=transition.action,
        actor=request.actor,
        from_state=package.state.value,
        to_state=state.value,
        sop_step=transition.sop_step,
        reason=reason,
        documents=documents,
    )
    return replace(package, state=state, version=package.version + 1)


async def emit(
    session: AsyncSession,
    runtime: Runtime,
    package: Package,
    payload: EventPayload,
    *,
    sop_step: str,
    actor: Actor | None,
    causation_id: str | None,
) -> str:
    """Record an outgoing event in the current transaction; returns its id."""
    event = make_event(
        service=SERVICE,
        payload=payload,
        procurement_id=package.procurement_id,
        time=runtime.clock.now(),
        actor=actor,
        causation_id=causation_id,
        sop_step=sop_step,
    )
    await runtime.record(session, event)
    return str(event.id)
