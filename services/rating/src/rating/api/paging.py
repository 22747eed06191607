"""Cursor handling shared by the rating service's lists: (timestamp, id) of the last row."""

from datetime import datetime
from uuid import UUID

from epurchasing_shared.http.pagination import PageParams, encode_cursor
from epurchasing_shared.http.problems import Invalid


def cursor_after(page: PageParams) -> tuple[str, str] | None:
    """The (timestamp, id) a page continues after; 422 if the cursor is not ours."""
    if page.cursor is None:
        return None
    try:
        at, row_id = page.cursor
        datetime.fromisoformat(at)
        UUID(row_id)
    except (ValueError, TypeError):
        raise Invalid("the cursor is not one this service gave out", field="cursor") from None
    return at, row_id


def next_cursor(at: datetime, row_id: UUID, more: bool) -> str | None:
    return encode_cursor(at.isoformat(), row_id) if more else None
