"""What a log line is about: the request, the procurement, the event (standard library only).

One mutable dict per request or consumed event, held in a context variable: values bound deep
in a use case (the procurement id) are seen by every later line of the same request, the
access log line included, even from tasks the framework spawns (they share the dict).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_current: ContextVar[dict[str, Any] | None] = ContextVar("epurchasing_log_context", default=None)


@contextmanager
def scope(**values: Any) -> Iterator[dict[str, Any]]:
    """A fresh context for one request or one consumed event."""
    found = {k: v for k, v in values.items() if v is not None}
    token = _current.set(found)
    try:
        yield found
    finally:
        _current.reset(token)


def bind(**values: Any) -> None:
    """Add to the current context (a no-op outside any scope but for new contexts)."""
    found = _current.get()
    if found is None:
        _current.set({k: v for k, v in values.items() if v is not None})
        return
    found.update({k: v for k, v in values.items() if v is not None})


def current() -> dict[str, Any]:
    return dict(_current.get() or {})
