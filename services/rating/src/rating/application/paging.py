"""Cursors of the rating service's lists: the (timestamp, id) of the last row shown."""

from datetime import datetime
from uuid import UUID

from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.pages import PageParams, encode_cursor
from rating.application.ports import After


def cursor_after(page: PageParams) -> After:
    """The (timestamp, id) a page continues after; a RuleViolation if the cursor is not ours."""
    if page.cursor is None:
        return None
    try:
        at, row_id = page.cursor
        return datetime.fromisoformat(at), UUID(row_id)
    except (ValueError, TypeError, AttributeError):
        raise RuleViolation.one(
            "cursor",
            "the cursor is not one this service gave out",
            "kursor halaman tidak dikenal",
        ) from None


def next_cursor(at: datetime, row_id: UUID, more: bool) -> str | None:
    return encode_cursor(at.isoformat(), row_id) if more else None
