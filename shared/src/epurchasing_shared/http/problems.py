"""RFC 9457 ``application/problem+json`` for every error, validation errors included."""

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from epurchasing_shared.db import is_unavailable
from epurchasing_shared.http.guard import BodyTooLarge
from epurchasing_shared.kernel import errors as refusals

PROBLEM_JSON = "application/problem+json"
MAX_ERRORS = 50
log = logging.getLogger("epurchasing.http")


class ProblemError(Exception):
    status = 500
    title = "Internal Server Error"
    slug = "internal"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    detail_id: str | None = None  # the detail in Bahasa Indonesia, where known

    def body(self, instance: str | None = None, language: str = "en") -> dict[str, Any]:
        indonesian = language == "id"
        body: dict[str, Any] = {
            "type": f"https://epurchasing.example/problems/{self.slug}",
            "title": TITLES_ID.get(self.status, self.title) if indonesian else self.title,
            "status": self.status,
            "detail": (self.detail_id or self.detail) if indonesian else self.detail,
        }
        if instance:
            body["instance"] = instance
        body.update(self.extensions)
        if "errors" in body:
            body["errors"] = [_error_in(e, indonesian) for e in body["errors"]]
        return body


class Unauthorized(ProblemError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class Forbidden(ProblemError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(ProblemError):
    """Not found, or not yours: other work units' and vendors' objects are never revealed."""

    status, title, slug = 404, "Not Found", "not-found"


class StateConflict(ProblemError):
    status, title, slug = 409, "Conflict", "state-conflict"

    def __init__(
        self, detail: str, *, current_state: str, allowed_actions: Iterable[str] = ()
    ) -> None:
        super().__init__(
            detail, current_state=current_state, allowed_actions=sorted(allowed_actions)
        )


class Conflict(ProblemError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(ProblemError):
    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class PayloadTooLarge(ProblemError):
    status, title, slug = 413, "Content Too Large", "too-large"


class Invalid(ProblemError):
    """422 with field-level errors: ``errors=[{"field": "...", "message": "..."}]``."""

    status, title, slug = 422, "Unprocessable Content", "invalid"

    def __init__(
        self, detail: str, *, field: str | None = None, errors: Sequence[dict] = ()
    ) -> None:
        found = list(errors) or [{"field": field or "body", "message": detail}]
        if len(found) > MAX_ERRORS:
            # A response must not grow with the input: the first ones and how many in all.
            super().__init__(detail, errors=found[:MAX_ERRORS], error_count=len(found))
            return
        super().__init__(detail, errors=found)


class Unavailable(ProblemError):
    status, title, slug = 503, "Service Unavailable", "unavailable"


RETRY_AFTER_SECONDS = 5


class OutageLog:
    """One log line when a dependency becomes unavailable, a count at most every
    ``every`` seconds while it stays so, and one line when requests succeed again: an outage
    must not write a traceback per request."""

    def __init__(self, every: float = 30.0) -> None:
        self.every = every
        self.since: float | None = None
        self.refused = 0
        self._last_line = 0.0

    def refusing(self, what: str) -> None:
        now = time.monotonic()
        self.refused += 1
        if self.since is None:
            self.since = self._last_line = now
            log.warning("a dependency is unavailable (%s); answering 503 until it is back", what)
        elif now - self._last_line >= self.every:
            self._last_line = now
            log.warning("still unavailable: %d requests answered 503 so far", self.refused)

    def answered(self, status: int) -> None:
        if self.since is not None and status < 500:
            log.warning(
                "dependency back after %.1fs; %d requests were answered 503",
                time.monotonic() - self.since,
                self.refused,
            )
            self.since, self.refused = None, 0


outage = OutageLog()


def as_problem(refusal: refusals.Refused) -> ProblemError:
    """The one mapping of a domain or use-case refusal to its HTTP problem."""
    problem = _problem_of(refusal)
    problem.detail_id = refusal.detail_id
    return problem


def _problem_of(refusal: refusals.Refused) -> ProblemError:
    if isinstance(refusal, refusals.ActionNotAllowed):
        return StateConflict(
            refusal.detail,
            current_state=refusal.current_state,
            allowed_actions=refusal.allowed_actions,
        )
    if isinstance(refusal, refusals.RuleViolation):
        return Invalid(refusal.detail, errors=refusal.errors)
    if isinstance(refusal, refusals.RoleNotAllowed | refusals.Forbidden):
        return Forbidden(refusal.detail)
    if isinstance(refusal, refusals.NotFound):
        return NotFound(refusal.detail)
    if isinstance(refusal, refusals.StaleVersion):
        return PreconditionFailed(refusal.detail)
    if isinstance(refusal, refusals.Conflict):
        return Conflict(refusal.detail)
    if isinstance(refusal, refusals.TooLarge):
        return PayloadTooLarge(refusal.detail)
    return Invalid(refusal.detail)


def language_of(request: Request) -> str:
    """``id`` when the caller prefers Bahasa Indonesia (``Accept-Language: id`` or ``id-ID``
    ranked first), else ``en``. Field names and ``type`` URIs never change."""
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].split(";")[0].strip().lower()
    return "id" if first == "id" or first.startswith("id-") or first == "in" else "en"


def problem_response(problem: ProblemError, request: Request) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else {}
    headers["Content-Language"] = language_of(request)
    headers["Vary"] = "Accept-Language"
    return JSONResponse(
        problem.body(str(request.url.path), language_of(request)),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route answers on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "OPTIONS"})
        if match is not Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return sorted(methods)


def _cause_name(error: BaseException) -> str:
    """The driver's error class (e.g. ``UniqueViolationError``), without its message, which
    may carry the request's values."""
    orig = getattr(error, "orig", None)
    cause = getattr(orig, "__cause__", None) or orig or error
    return type(cause).__name__


# Titles in Bahasa Indonesia; the English ones are the HTTP reason phrases.
TITLES_ID = {
    400: "Permintaan Tidak Valid",
    401: "Belum Masuk",
    403: "Tidak Berwenang",
    404: "Tidak Ditemukan",
    405: "Metode Tidak Diizinkan",
    409: "Konflik",
    412: "Prasyarat Gagal",
    413: "Isi Terlalu Besar",
    415: "Jenis Isi Tidak Didukung",
    422: "Isian Tidak Dapat Diproses",
    429: "Terlalu Banyak Permintaan",
    500: "Kesalahan Server",
    503: "Layanan Tidak Tersedia",
}

# Pydantic's error types, in Bahasa Indonesia (the English message is kept otherwise).
VALIDATION_ID = {
    "missing": "wajib diisi",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_type": "harus berupa teks",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "bool_type": "harus berupa benar/salah",
    "date_type": "harus berupa tanggal (YYYY-MM-DD)",
    "date_from_datetime_parsing": "harus berupa tanggal (YYYY-MM-DD)",
    "datetime_type": "harus berupa waktu ISO 8601",
    "uuid_parsing": "harus berupa UUID",
    "greater_than": "terlalu kecil",
    "greater_than_equal": "terlalu kecil",
    "less_than": "terlalu besar",
    "less_than_equal": "terlalu besar",
    "too_short": "terlalu sedikit",
    "too_long": "terlalu banyak",
    "extra_forbidden": "tidak dikenal",
    "enum": "bukan salah satu pilihan yang diizinkan",
    "literal_error": "bukan salah satu pilihan yang diizinkan",
    "json_invalid": "bukan JSON yang valid",
    "value_error": "nilai tidak valid",
}


def _validation_error(error: Any) -> dict[str, str]:
    found = {"field": _field(error["loc"]), "message": error["msg"]}
    indonesian = VALIDATION_ID.get(error.get("type", ""))
    if indonesian:
        found["message_id"] = indonesian
    return found


def _error_in(error: dict[str, Any], indonesian: bool) -> dict[str, Any]:
    """A field error in the caller's language, without the translation key."""
    shown = {k: v for k, v in error.items() if k != "message_id"}
    if indonesian and error.get("message_id"):
        shown["message"] = error["message_id"]
    return shown


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


# Raised by the database and broker layers: mapped to 409, 422, 503 or 500 without re-raising.
DEPENDENCY_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        return problem_response(error, request)

    async def on_refusal(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, refusals.Refused)
        return problem_response(as_problem(error), request)

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [_validation_error(e) for e in error.errors()]
        problem = Invalid("the request is not valid", errors=errors)
        problem.detail_id = "permintaan tidak valid"
        return problem_response(problem, request)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error.__cause__, BodyTooLarge):  # FastAPI wraps body errors in a 400
            return problem_response(PayloadTooLarge(str(error.__cause__)), request)
        if error.status_code == 400:
            # A body that cannot even be parsed (not UTF-8 JSON, broken multipart): invalid
            # input, as malformed JSON is, so every operation answers it with its documented
            # 422 (FastAPI and Starlette raise these 400s before any route code runs).
            invalid = Invalid(f"the body cannot be read: {error.detail}", field="body")
            invalid.detail_id = "isi permintaan tidak dapat dibaca"
            return problem_response(invalid, request)
        problem = ProblemError(str(error.detail))
        problem.status, problem.title, problem.slug = error.status_code, str(error.detail), "http"
        response = problem_response(problem, request)
        response.headers.update(error.headers or {})
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(_allowed_methods(request))
        return response

    async def on_too_large(request: Request, error: Exception) -> JSONResponse:
        return problem_response(PayloadTooLarge(str(error)), request)

    async def on_dependency_error(request: Request, error: Exception) -> JSONResponse:
        """Errors of the database or broker layers. Registered per class (not only under
        ``Exception``) so that Starlette answers them without re-raising, which would close
        the client's keep-alive connection."""
        where = f"{request.method} {request.url.path}"
        if isinstance(error, (IntegrityError, asyncpg.IntegrityConstraintViolationError)):
            # Two requests raced for the same unique thing (an Idempotency-Key, a number):
            # the loser changed nothing and may retry.
            log.info("integrity conflict on %s (%s)", where, _cause_name(error))
            conflict = Conflict("a concurrent request changed the same thing first; retry")
            return problem_response(conflict, request)
        if isinstance(error, (DataError, asyncpg.DataError)):
            # A value the database cannot hold that the request model did not bound: still
            # the caller's input, so a 422, never a 500.
            log.warning("data error on %s (%s)", where, _cause_name(error))
            invalid = Invalid("a value is out of range or of the wrong form for its field")
            return problem_response(invalid, request)
        if is_unavailable(error):
            outage.refusing(_cause_name(error))
            response = problem_response(
                Unavailable("a dependency is unavailable; retry later"), request
            )
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        return await on_unexpected(request, error)

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        # The traceback, never the SQL parameters (engines run with hide_parameters).
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
        problem = ProblemError("an unexpected error occurred; it has been logged")
        return problem_response(problem, request)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(refusals.Refused, on_refusal)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(BodyTooLarge, on_too_large)
    for kind in DEPENDENCY_ERRORS:
        app.add_exception_handler(kind, on_dependency_error)
    app.add_exception_handler(Exception, on_unexpected)
