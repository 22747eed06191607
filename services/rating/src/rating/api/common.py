"""Helpers of the rating API: idempotent creation, If-Match, domain errors as problems."""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.http.idempotency import IdempotencyKey
from epurchasing_shared.http.problems import Invalid, StateConflict, problem_response
from epurchasing_shared.service import Runtime
from rating.domain.errors import ActionNotAllowed, InvalidInput


async def create_idempotently(
    runtime: Runtime,
    key: IdempotencyKey,
    principal: Principal,
    work: Callable[[AsyncSession], Awaitable[BaseModel]],
) -> JSONResponse:
    """Run a creating use case in one unit of work; a retried Idempotency-Key gets the first
    response back and changes nothing."""
    async with runtime.unit_of_work() as session:
        table = runtime.spine.idempotency_keys
        replayed = await key.replay(session, table, principal)
        if replayed is not None:
            return replayed
        body = (await work(session)).model_dump(mode="json")
        await key.remember(session, table, principal, runtime.clock, 201, body)
    return JSONResponse(body, status_code=201)


def if_match(value: str | None = Header(default=None, alias="If-Match")) -> int | None:
    """The ``If-Match`` version (a bare or quoted integer), if sent."""
    if value is None:
        return None
    try:
        return int(value.strip().removeprefix("W/").strip('"'))
    except ValueError:
        raise Invalid("If-Match must be the resource's integer version", field="If-Match") from None


def install_domain_error_handlers(app: FastAPI) -> None:
    """Domain refusals become 409 (state) and 422 (input) problems."""

    async def on_not_allowed(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ActionNotAllowed)
        problem = StateConflict(
            str(error), current_state=error.current_state, allowed_actions=error.allowed_actions
        )
        return problem_response(problem, request)

    async def on_invalid(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, InvalidInput)
        errors = [{"field": field, "message": message} for field, message in error.errors]
        return problem_response(Invalid("the request is not valid", errors=errors), request)

    app.add_exception_handler(ActionNotAllowed, on_not_allowed)
    app.add_exception_handler(InvalidInput, on_invalid)
