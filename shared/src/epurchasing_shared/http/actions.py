"""The HTTP side of an actor's action, for every route of every service: who calls, which
version they saw (``If-Match``), the ``Idempotency-Key``, and the outcome as a response."""

import hashlib
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse

from epurchasing_shared import log_context
from epurchasing_shared.auth import Principal, current_principal, require_roles
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.unit_of_work import Caller, IdempotencyKey, Outcome
from epurchasing_shared.principal import Role


def parse_if_match(value: str | None) -> int | None:
    """``If-Match: "3"`` (or ``W/"3"`` or ``3``) to the resource version 3; ``*`` is any."""
    if value is None or value.strip() == "*":
        return None
    cleaned = value.strip().removeprefix("W/").strip('"')
    if not cleaned.isdigit() or len(cleaned) > 18:
        raise Invalid(f"If-Match {value!r} is not a resource version", field="If-Match")
    return int(cleaned)


async def request_fingerprint(request: Request) -> str:
    """What an ``Idempotency-Key`` is bound to: the method, the path and a digest of the body
    (the same key sent with another body is refused, not answered with the first result)."""
    digest = hashlib.sha256()
    try:
        digest.update(await request.body())
    except RuntimeError:  # a multipart body FastAPI has already parsed into its form
        form = await request.form()
        for name, value in sorted(form.multi_items(), key=lambda item: item[0]):
            digest.update(name.encode() + b"\x00")
            if isinstance(value, str):
                digest.update(value.encode())
            else:
                digest.update(await value.read())
                await value.seek(0)
    return f"{request.method} {request.url.path} sha256:{digest.hexdigest()[:32]}"


def causation_of(request: Request) -> str:
    """The HTTP request is the cause of the events it leads to (``X-Request-ID`` if given)."""
    return log_context.current().get("request_id") or f"request:{uuid4()}"


def action_request(*roles: Role) -> Callable[..., Any]:
    """A dependency giving the :class:`ActionRequest` of a caller in one of ``roles`` (403 for
    the others; every role when none is named), with its ``If-Match`` and
    ``Idempotency-Key``."""
    who = require_roles(*roles) if roles else current_principal

    async def dependency(
        request: Request,
        principal: Principal = Depends(who),
        if_match: str | None = Header(
            default=None,
            alias="If-Match",
            max_length=50,
            description='The version last read (the `version` field or the ETag, e.g. `"3"`); '
            "a stale one is refused with 412.",
        ),
        idempotency_key: str | None = Header(
            default=None,
            alias="Idempotency-Key",
            max_length=200,
            description="Retrying with the same key returns the first response.",
        ),
    ) -> ActionRequest:
        key = (
            IdempotencyKey(idempotency_key, await request_fingerprint(request))
            if idempotency_key
            else None
        )
        return ActionRequest(
            caller=Caller(principal=principal, causation_id=causation_of(request)),
            if_match=parse_if_match(if_match),
            idempotency=key,
        )

    return dependency


def respond(outcome: Outcome) -> JSONResponse:
    """The outcome of a use case as its response: 201 + ``Location`` for a creation, 200 for
    an action; ``Idempotent-Replayed`` on a replay; the ``ETag`` of a versioned body."""
    if isinstance(outcome.body, dict) and outcome.body.get("procurement_id"):
        log_context.bind(procurement_id=outcome.body["procurement_id"])
    headers: dict[str, str] = {}
    if outcome.location:
        headers["Location"] = outcome.location
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    if isinstance(outcome.body, dict) and isinstance(outcome.body.get("version"), int):
        headers["ETag"] = f'"{outcome.body["version"]}"'
    return JSONResponse(outcome.body, status_code=outcome.status, headers=headers)
