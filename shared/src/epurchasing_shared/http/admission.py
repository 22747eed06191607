"""Admission control: a bounded number of requests in progress per process.

Under more load than the process can serve, every request used to be accepted and all of them
slowed down together (at 128 procurements in flight the writes took seconds, deadlines passed
and finished work was wasted). Here at most ``limit`` requests run at once; a request beyond
that waits up to ``queue_seconds`` for a place (a short burst is absorbed) and is otherwise
answered at once with 503 problem+json and ``Retry-After``, which costs next to nothing, so
the requests already admitted keep their latency. Health, readiness and metrics are never
held: an orchestrator must see a busy process as alive.

A pure ASGI middleware (no per-request task, no buffering); ``asyncio.Semaphore`` is the
queue, first come first served.
"""

import asyncio
import json

from epurchasing_shared.http.guard import ASGIApp, Receive, Scope, Send

EXEMPT = ("/healthz", "/readyz", "/metrics")


class InFlightLimit:
    def __init__(
        self, app: ASGIApp, *, limit: int, queue_seconds: float, retry_after: int = 1
    ) -> None:
        self.app = app
        self.limit = limit
        self.queue_seconds = queue_seconds
        self.retry_after = retry_after
        self._places = asyncio.Semaphore(limit)
        self.shed = 0  # answered 503 because the process was full (for the metrics)

    @property
    def in_flight(self) -> int:
        return self.limit - self._places._value

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "") in EXEMPT:
            await self.app(scope, receive, send)
            return
        if not await self._admit():
            self.shed += 1
            await _busy(send, self.retry_after)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._places.release()

    async def _admit(self) -> bool:
        if not self._places.locked():
            await self._places.acquire()  # a place is free: no wait
            return True
        try:
            await asyncio.wait_for(self._places.acquire(), self.queue_seconds)
        except TimeoutError:
            return False
        return True


async def _busy(send: Send, retry_after: int) -> None:
    body = {
        "type": "https://epurchasing.example/problems/busy",
        "title": "Service Unavailable",
        "status": 503,
        "detail": f"the service is serving as many requests as it can; retry after {retry_after} s",
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(payload)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
