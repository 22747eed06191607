"""What the routers share: role dependencies, domain errors as problems, idempotent creation."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from competition.domain.errors import (
    ActionNotAllowed,
    DomainError,
    RoleNotAllowed,
    RuleViolation,
    VendorBarred,
)
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey
from epurchasing_shared.http.problems import (
    Forbidden,
    Invalid,
    ProblemError,
    StateConflict,
    problem_response,
)
from epurchasing_shared.service import Runtime

ppk_only = require_roles(Role.PPK)
official_only = require_roles(Role.PROCUREMENT_OFFICIAL)
vendor_only = require_roles(Role.VENDOR)
admin_only = require_roles(Role.ADMIN)
request_readers = require_roles(Role.PPK, Role.PROCUREMENT_OFFICIAL, Role.ADMIN, Role.AUDITOR)
anyone = require_roles(*Role)


def as_problem(error: DomainError) -> ProblemError:
    """Map a domain refusal to its HTTP problem (409 state, 422 rule, 403 role or blacklist)."""
    if isinstance(error, ActionNotAllowed):
        return StateConflict(
            str(error), current_state=error.current_state, allowed_actions=error.allowed_actions
        )
    if isinstance(error, RuleViolation):
        return Invalid(str(error), errors=error.errors)
    if isinstance(error, RoleNotAllowed | VendorBarred):
        return Forbidden(str(error))
    return Invalid(str(error))


def install_domain_errors(app: FastAPI) -> None:
    async def on_domain_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        return problem_response(as_problem(error), request)

    app.add_exception_handler(DomainError, on_domain_error)


async def idempotent(
    runtime: Runtime,
    principal: Principal,
    key: IdempotencyKey,
    work: Callable[[AsyncSession], Awaitable[Any]],
    status_code: int = 201,
) -> JSONResponse:
    """Run a creating request once per ``Idempotency-Key``; a retry gets the first response."""
    async with runtime.unit_of_work() as session:
        replayed = await key.replay(session, runtime.spine.idempotency_keys, principal)
        if replayed is not None:
            return replayed
        body = jsonable_encoder(await work(session))
        table = runtime.spine.idempotency_keys
        await key.remember(session, table, principal, runtime.clock, status_code, body)
    return JSONResponse(body, status_code=status_code)
