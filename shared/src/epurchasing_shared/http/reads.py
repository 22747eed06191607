"""GET and HEAD requests read outside a transaction (see ``db.READ_ONLY_REQUEST``)."""

from starlette.types import ASGIApp, Receive, Scope, Send

from epurchasing_shared.db import READ_ONLY_REQUEST

_SAFE = frozenset({"GET", "HEAD"})


class ReadsOutsideTransactions:
    """Marks a GET or HEAD request as read-only for the units of work it runs: each statement
    runs on its own, without the BEGIN and COMMIT round trips, and a write is refused. Pure
    ASGI (no task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _SAFE:
            await self.app(scope, receive, send)
            return
        token = READ_ONLY_REQUEST.set(True)
        try:
            await self.app(scope, receive, send)
        finally:
            READ_ONLY_REQUEST.reset(token)
