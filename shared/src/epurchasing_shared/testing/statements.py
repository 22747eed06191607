"""Counting the SQL statements one request costs, for tests that pin a list's queries.

``with statements(engine) as seen: await client.get(...)`` collects the statements the
engine runs *for the awaiting task* only: the listener (``before_cursor_execute``) keeps a
statement when a context variable set here is visible, and the app's background work (the
outbox relay, consumers, schedulers) runs in tasks started before it was set, so their polls
never count. An in-process app (``running_app``, httpx's ASGI transport) runs the request in
the caller's task, and SQLAlchemy's async bridge carries the context into the driver call.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

_SEEN: ContextVar[list[str] | None] = ContextVar("epurchasing_statements", default=None)


def _keep(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    seen = _SEEN.get()
    if seen is not None:
        seen.append(statement)


@contextmanager
def statements(engine: AsyncEngine | Engine) -> Iterator[list[str]]:
    """The statements ``engine`` runs for this task while the block runs, in order."""
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    seen: list[str] = []
    token = _SEEN.set(seen)
    event.listen(sync, "before_cursor_execute", _keep)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", _keep)
        _SEEN.reset(token)
