"""Shared plumbing of the ordering routers: request context, idempotency, domain errors."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from fastapi import Depends, Header
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.problems import Forbidden, Invalid, StateConflict
from epurchasing_shared.service import Runtime, get_runtime
from ordering.adapters.repository import load_package
from ordering.application.common import Request
from ordering.application.views import package_detail
from ordering.domain.errors import ActionNotAllowed, RuleBroken, WrongActor
from ordering.domain.package import Package


@contextmanager
def domain_problems() -> Iterator[None]:
    """Domain errors as problem+json: 409 state, 403 actor, 422 rule."""
    try:
        yield
    except ActionNotAllowed as error:
        raise StateConflict(
            str(error), current_state=error.state, allowed_actions=error.allowed
        ) from error
    except WrongActor as error:
        raise Forbidden(str(error)) from error
    except RuleBroken as error:
        raise Invalid(str(error), field=error.field) from error


def if_match(
    value: str | None = Header(default=None, alias="If-Match", max_length=50),
) -> int | None:
    """The resource version the caller last saw (``3`` or ``"3"``), if sent."""
    if value is None:
        return None
    try:
        return int(value.removeprefix("W/").strip('"'))
    except ValueError as error:
        raise Invalid("If-Match must be the package version", field="If-Match") from error


def request_id(
    value: str | None = Header(default=None, alias="X-Request-ID", max_length=100),
) -> str:
    return value or str(uuid4())


def make_request(
    principal: Principal, package_id: UUID, causation_id: str, version: int | None
) -> Request:
    return Request(principal, package_id, causation_id=causation_id, expected_version=version)


async def act(
    runtime: Runtime,
    request: Request,
    key: IdempotencyKey,
    use_case: Callable[[AsyncSession], Awaitable[Package]],
) -> Any:
    """Run one use case in one unit of work and answer with the package view; a retried
    request with the same Idempotency-Key gets the first answer and changes nothing."""
    table = runtime.spine.idempotency_keys
    with domain_problems():
        async with runtime.unit_of_work() as session:
            replay = await key.replay(session, table, request.principal)
            if replay is not None:
                return replay
            package = await use_case(session)
            reloaded = await load_package(session, package.id)
            assert reloaded is not None
            body = await package_detail(session, reloaded, request.principal)
            await key.remember(session, table, request.principal, runtime.clock, 200, body)
    return JSONResponse(body)


@dataclass(frozen=True)
class PackageAction:
    """Everything a package-changing route needs besides its own input: the acting caller,
    the Idempotency-Key, the If-Match version, the causation (request) id and the runtime."""

    principal: Principal
    key: IdempotencyKey
    version: int | None
    causation: str
    runtime: Runtime

    def request(self, package_id: UUID) -> Request:
        """The application-level request to act on ``package_id``."""
        return make_request(self.principal, package_id, self.causation, self.version)

    async def run(
        self,
        package_id: UUID,
        use_case: Callable[..., Awaitable[Package]],
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """Run ``use_case(session, runtime, request, *args, **kwargs)`` through :func:`act`."""
        request = self.request(package_id)
        return await act(
            self.runtime,
            request,
            self.key,
            lambda session: use_case(session, self.runtime, request, *args, **kwargs),
        )


def package_action(*roles: Role) -> Callable[..., Awaitable[PackageAction]]:
    """A dependency giving the PackageAction of a caller in one of ``roles`` (403 otherwise);
    it declares the Idempotency-Key, If-Match and X-Request-ID headers of the route."""
    allowed = require_roles(*roles)

    async def dependency(
        principal: Principal = Depends(allowed),
        key: IdempotencyKey = Depends(idempotency_key),
        version: int | None = Depends(if_match),
        causation: str = Depends(request_id),
        runtime: Runtime = Depends(get_runtime),
    ) -> PackageAction:
        return PackageAction(principal, key, version, causation, runtime)

    return dependency
