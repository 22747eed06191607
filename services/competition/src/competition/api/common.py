"""What the routers share: role dependencies, the unit of work and the rules of a request."""

from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request

from competition.adapters.unit_of_work import rules_of, unit_of_work_factory
from competition.application.ports import Rules, UnitOfWorkFactory
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.actions import causation_of
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.service import get_runtime

request_readers = (Role.PPK, Role.PROCUREMENT_OFFICIAL, Role.ADMIN, Role.AUDITOR)


async def unit_of_work(request: Request) -> UnitOfWorkFactory:
    """The service's SQL unit of work factory (a dependency)."""
    return unit_of_work_factory(get_runtime(request))


async def rules(request: Request) -> Rules:
    """The settings the use cases apply (a dependency)."""
    return rules_of(get_runtime(request).settings)


def reader(*roles: Role) -> Callable[..., Any]:
    """A dependency giving the :class:`ActionRequest` of a reading caller in one of
    ``roles`` (no If-Match or Idempotency-Key: reads change nothing)."""

    async def dependency(
        request: Request, principal: Principal = Depends(require_roles(*roles))
    ) -> ActionRequest:
        return ActionRequest(Caller(principal=principal, causation_id=causation_of(request)))

    return dependency
