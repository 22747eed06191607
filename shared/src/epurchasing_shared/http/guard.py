"""What every request passes before any route: bounded cost, storable input, safe headers.

A pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``, which buffers and re-raises):

- a body over its limit is refused with 413 before it is read when ``Content-Length`` says
  so, and as soon as the limit is crossed when it does not (chunked); JSON bodies are held to
  ``max_json_bytes``, multipart uploads to the document limit plus the form's overhead;
- a JSON body or query string carrying NUL (which PostgreSQL cannot store) or nested deeper
  than ``MAX_JSON_DEPTH`` is refused with 422 before it reaches a parser;
- every response carries ``X-Content-Type-Options: nosniff``, frame and referrer policies and a
  content security policy (a looser one for the interactive docs pages), and no ``Server``.
"""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from uuid import uuid4

from epurchasing_shared import log_context

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_JSON_DEPTH = 32
MULTIPART_OVERHEAD = 64 * 1024
DOCS_PATHS = ("/docs", "/redoc", "/asyncapi")
API_CSP = b"default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    b"frame-ancestors 'none'"
)


def json_depth(body: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (no parse, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def carries_nul(data: bytes) -> bool:
    r"""A raw NUL, or the JSON escape ``\u0000`` (any case), or ``%00`` in a query."""
    lowered = data.lower()
    return b"\x00" in data or b"\\u0000" in lowered or b"%00" in lowered


class RequestGuard:
    def __init__(self, app: ASGIApp, *, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_multipart_bytes = max_upload_bytes + MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        with log_context.scope(request_id=request_id):
            await self._guard(scope, receive, _with_safe_headers(scope, send, request_id))

    async def _guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        if carries_nul(scope.get("query_string", b"")) or "\x00" in scope.get("path", ""):
            await _problem(send, 422, "invalid", "the request carries a NUL character", "query")
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        limit = (
            self.max_multipart_bytes
            if media_type.startswith(b"multipart/")
            else self.max_json_bytes
        )
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        is_json = media_type == b"application/json" or media_type.endswith(b"+json")
        if not is_json:
            await self.app(scope, _bounded(receive, limit), send)
            return
        body = await _read_at_most(receive, limit)
        if body is None:
            await _too_large(send, limit)
            return
        if carries_nul(body):
            await _problem(send, 422, "invalid", "the body carries a NUL character", "body")
            return
        if json_depth(body) > MAX_JSON_DEPTH:
            detail = f"the body is nested deeper than {MAX_JSON_DEPTH} levels"
            await _problem(send, 422, "invalid", detail, "body")
            return
        await self.app(scope, _replay(body), send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body crosses its limit (answered with 413)."""


def _bounded(receive: Receive, limit: int) -> Receive:
    size = 0

    async def bounded() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge(f"the body is larger than the limit of {limit} bytes")
        return message

    return bounded


def _request_id(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` when it is sane, else a new one (logged and echoed)."""
    for key, value in scope.get("headers", []):
        if key.lower() == b"x-request-id" and 0 < len(value) <= 100 and value.isascii():
            text = value.decode()
            if text.isprintable():
                return text
    return f"request:{uuid4()}"


def _with_safe_headers(scope: Scope, send: Send, request_id: str) -> Send:
    docs = scope.get("path", "").startswith(DOCS_PATHS)

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
            headers += [
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"referrer-policy", b"no-referrer"),
                (b"content-security-policy", DOCS_CSP if docs else API_CSP),
                (b"x-request-id", request_id.encode()),
            ]
            message["headers"] = headers
        await send(message)

    return sending


async def _problem(send: Send, status: int, slug: str, detail: str, field: str) -> None:
    titles = {413: "Content Too Large", 422: "Unprocessable Content"}
    body: dict[str, Any] = {
        "type": f"https://epurchasing.example/problems/{slug}",
        "title": titles[status],
        "status": status,
        "detail": detail,
    }
    if status == 422:
        body["errors"] = [{"field": field, "message": detail}]
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _too_large(send: Send, limit: int) -> None:
    detail = f"the body is larger than the limit of {limit} bytes"
    await _problem(send, 413, "too-large", detail, "body")
