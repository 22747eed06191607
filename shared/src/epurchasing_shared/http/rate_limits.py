"""Rate limits per client address and per bearer token, with the ``limits`` library.

In the service, not in the reverse proxy: Caddy's standard build has no rate limiter (the
module is a separate plugin), the Kubernetes Ingress controller differs per cluster, and
``make run`` has no proxy at all; here one setting works everywhere. A moving window in
process memory: each replica counts its own share (a limit per replica), which keeps a
flood from one client bounded without a shared store; say ``N/minute`` per replica.

- per address: the TCP peer, or the ``X-Forwarded-For`` entry the trusted proxy appended
  when ``RATE_LIMIT_TRUST_FORWARDED`` is set (behind Caddy);
- per principal: a digest of the whole bearer token (not its ``sub``, which an unverified
  token could forge to spend someone else's allowance);
- beyond either: 429 problem+json with ``Retry-After``; health, readiness, metrics and the
  API documents are never limited.
"""

import hashlib
import json
import math
import time
from typing import TYPE_CHECKING, Any

from epurchasing_shared.http.guard import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from limits import RateLimitItem

# Probes, metrics and the API documents (what a client generator or a fuzzer loads first).
EXEMPT = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/asyncapi.json", "/docs")


class RateLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        per_address: str,
        per_principal: str,
        trust_forwarded: bool = False,
    ) -> None:
        # Imported here: ``limits`` loads every storage backend (Redis, Memcached, MongoDB
        # ...), and a service whose limits are off (RATE_LIMITS_ENABLED=false) never needs it.
        from limits import parse
        from limits.storage import MemoryStorage
        from limits.strategies import MovingWindowRateLimiter

        self.app = app
        self.per_address: RateLimitItem = parse(per_address)
        self.per_principal: RateLimitItem = parse(per_principal)
        self.trust_forwarded = trust_forwarded
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").endswith(EXEMPT):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        checks = [(self.per_address, f"address:{self._address(scope, headers)}")]
        token = _bearer(headers.get(b"authorization", b""))
        if token:
            digest = hashlib.sha256(token).hexdigest()[:32]
            checks.append((self.per_principal, f"token:{digest}"))
        for limit, key in checks:
            if not self.limiter.hit(limit, key):
                reset = self.limiter.get_window_stats(limit, key).reset_time
                await _too_many(send, max(1, math.ceil(reset - time.time())))
                return
        await self.app(scope, receive, send)

    def _address(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        forwarded = headers.get(b"x-forwarded-for")
        if self.trust_forwarded and forwarded:
            # The proxy appends the address it saw last: the only entry it vouches for.
            return forwarded.decode("latin-1").split(",")[-1].strip()
        client = scope.get("client")
        return str(client[0]) if client else "unknown"


def _bearer(value: bytes) -> bytes | None:
    scheme, _, token = value.partition(b" ")
    return token.strip() or None if scheme.lower() == b"bearer" else None


async def _too_many(send: Send, retry_after: int) -> None:
    body: dict[str, Any] = {
        "type": "https://epurchasing.example/problems/too-many-requests",
        "title": "Too Many Requests",
        "status": 429,
        "detail": f"too many requests; retry after {retry_after} s",
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
