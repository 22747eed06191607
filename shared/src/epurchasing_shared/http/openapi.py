"""The OpenAPI every service publishes: problem+json declared for every status an operation
can answer with, stable operation ids, and no FastAPI default that the API does not send.

Rules, applied to the generated document in one place (so no route can forget one):

- every operation: 429 (rate limits), 503 (a dependency is down) and 500 (documented as the
  problem it would be);
- an operation with a bearer token: 401, 403 and 404 (a resource it names, in the path or the
  body, is not found or not the caller's);
- an operation with a path parameter: 404;
- an operation with parameters or a body: 422 (problem+json with field ``errors``), replacing
  FastAPI's ``HTTPValidationError``; with a body: 413;
- a state-changing operation (POST, PUT, PATCH, DELETE): 409; with ``If-Match``: 412.
"""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from epurchasing_shared.http.problems import PROBLEM_JSON

PROBLEM_SCHEMA = "Problem"
DESCRIPTIONS = {
    401: "No bearer token, or an invalid one.",
    403: "The caller's role (or a rule about the caller) does not allow this.",
    404: "Not found, or not the caller's: others' records are never revealed.",
    409: "Not allowed in the resource's current state (`current_state`, `allowed_actions`).",
    412: "`If-Match` names a version the resource has moved past: read it again.",
    413: "The body or an uploaded file is larger than allowed.",
    422: "Invalid input: `errors` names each field and what is wrong with it.",
    429: "Too many requests: wait for `Retry-After` seconds.",
    500: "An unexpected error (logged; never expected).",
    503: "A dependency (the database) is unavailable: retry after `Retry-After` seconds.",
}
STATE_CHANGING = {"post", "put", "patch", "delete"}


class FieldError(BaseModel):
    field: str = Field(examples=["items.0.quantity"])
    message: str = Field(examples=["Input should be greater than 0"])


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of every service is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://epurchasing.example/problems/state-conflict"])
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["submit is not allowed while the purchase_request is accepted"])
    instance: str | None = Field(default=None, examples=["/purchase-requests/3f2b.../submit"])
    errors: list[FieldError] | None = None
    error_count: int | None = Field(default=None, description="All errors, when cut to 50.")
    current_state: str | None = None
    allowed_actions: list[str] | None = None


def operation_id(route: APIRoute) -> str:
    """The route function's name (``submit_purchase_request``): readable and stable."""
    return route.name


def statuses_of(method: str, operation: dict[str, Any]) -> set[int]:
    found = {429, 500, 503}  # any caller may meet the rate limit of its address
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        # 404 too: a body may name another resource (the purchase request of a competition)
        # that does not exist or is not the caller's.
        found |= {401, 403, 404}
    if any(p.get("in") == "path" for p in parameters):
        found.add(404)
    if parameters or "requestBody" in operation:
        found.add(422)
    if "requestBody" in operation:
        found.add(413)
    if method in STATE_CHANGING:
        found.add(409)
        if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
            found.add(412)
    return found


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem responses in a generated document (in place, returned)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (FieldError, Problem):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schema.pop("$defs", None)
        schemas[model.__name__] = schema
    reference = {"$ref": f"#/components/schemas/{PROBLEM_SCHEMA}"}
    for path in document.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses_of(method, operation)):
                responses[str(status)] = {
                    "description": DESCRIPTIONS[status],
                    "content": {PROBLEM_JSON: {"schema": reference}},
                }
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the document with the problems declared (built once, on first request)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_problems(document)
        return app.openapi_schema

    setattr(app, "openapi", build)  # noqa: B010 - FastAPI's documented way to replace it


def unique_operation_ids() -> Callable[[APIRoute], str]:
    """For ``FastAPI(generate_unique_id_function=...)``: the route function's name; a second
    route with the same name gets ``<name>__<method>_<path>`` (still unique, visibly a name
    to fix: ``tests/deploy`` refuses such ids in the published documents)."""
    seen: dict[str, str] = {}

    def generate(route: APIRoute) -> str:
        name = operation_id(route)
        where = f"{'_'.join(sorted(route.methods or ())).lower()}{route.path}"
        if seen.setdefault(name, where) == where:
            return name
        slug = "".join(c if c.isalnum() else "_" for c in where).strip("_")
        return f"{name}__{slug}"

    return generate
