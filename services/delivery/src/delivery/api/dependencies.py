"""Request-level dependencies of the delivery API: the acting caller and the domain errors."""

from collections.abc import Callable
from uuid import UUID, uuid4

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse

from delivery.application.runner import StepRequest
from delivery.domain.errors import ActionNotAllowed, DomainError, InvalidInput
from epurchasing_shared.auth import Principal, Role, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.problems import Invalid, ProblemError, StateConflict, problem_response


def parse_if_match(value: str | None) -> int | None:
    """``If-Match: "3"`` (or ``W/"3"`` or ``3``) to the resource version 3."""
    if value is None:
        return None
    cleaned = value.strip().removeprefix("W/").strip('"')
    if not cleaned.isdigit():
        raise Invalid(f"If-Match {value!r} is not a resource version", field="If-Match")
    return int(cleaned)


def acting(*roles: Role) -> Callable[..., object]:
    """A dependency giving the StepRequest of a caller in one of ``roles`` (403 otherwise)."""

    async def dependency(
        procurement_id: UUID,
        request: Request,
        principal: Principal = Depends(require_roles(*roles)),
        idempotency: IdempotencyKey = Depends(idempotency_key),
        if_match: str | None = Header(default=None, alias="If-Match", max_length=50),
    ) -> StepRequest:
        # The HTTP request is the cause of the events it leads to.
        request_id = request.headers.get("X-Request-ID", "")[:100] or f"request:{uuid4()}"
        return StepRequest(
            principal=principal,
            procurement_id=procurement_id,
            idempotency=idempotency,
            if_match=parse_if_match(if_match),
            causation_id=request_id,
        )

    return dependency


def as_problem(error: DomainError) -> ProblemError:
    """A refused rule as its problem: a state conflict is 409, refused input is 422."""
    if isinstance(error, ActionNotAllowed):
        return StateConflict(
            str(error), current_state=error.current_state, allowed_actions=error.allowed_actions
        )
    if isinstance(error, InvalidInput):
        return Invalid(str(error), field=error.field)
    return Invalid(str(error))


def install_domain_error_handler(app: FastAPI) -> None:
    async def on_domain_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, DomainError)
        return problem_response(as_problem(error), request)

    app.add_exception_handler(DomainError, on_domain_error)
