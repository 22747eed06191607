"""Cursor pagination on HTTP: the ``limit`` and ``cursor`` query parameters of every list."""

from fastapi import Query

from epurchasing_shared.pages import PageParams, decode_cursor, encode_cursor

__all__ = ["PageParams", "decode_cursor", "encode_cursor", "page_params"]


async def page_params(
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = Query(default=None, max_length=500),
) -> PageParams:
    return PageParams(limit=limit, cursor=decode_cursor(cursor) if cursor else None)
