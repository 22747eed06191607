"""The cursors this service gives out, read back strictly.

``page_params`` only checks that a cursor is base64 of a JSON list; what the list must hold
depends on the endpoint. Anything else (another endpoint's cursor, a hand-made one) is a 422
naming ``cursor``, never a 500 from a failed conversion deep in the query.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from epurchasing_shared.http.problems import Invalid


def _not_ours() -> Invalid:
    return Invalid("the cursor is not one this service gave out", field="cursor")


def _strings(cursor: list[Any], count: int) -> list[str]:
    """The cursor's values: exactly ``count`` strings (``encode_cursor`` writes strings)."""
    if len(cursor) != count or not all(isinstance(value, str) for value in cursor):
        raise _not_ours()
    return cursor


def id_cursor(cursor: list[Any] | None) -> UUID | None:
    """The last id seen, from an ``[id]`` cursor (lists ordered by id)."""
    if cursor is None:
        return None
    (last_id,) = _strings(cursor, 1)
    try:
        return UUID(last_id)
    except ValueError as error:
        raise _not_ours() from error


def created_cursor(cursor: list[Any] | None) -> tuple[datetime, UUID] | None:
    """The last (created_at, id) seen, from a ``[created_at, id]`` cursor."""
    if cursor is None:
        return None
    created, last_id = _strings(cursor, 2)
    try:
        at, after_id = datetime.fromisoformat(created), UUID(last_id)
    except ValueError as error:
        raise _not_ours() from error
    if at.tzinfo is None:  # ours are always aware; a naive time cannot be compared to timestamptz
        raise _not_ours()
    return at, after_id
