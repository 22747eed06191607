"""Cursor pagination: ``limit`` and an opaque ``cursor`` naming the last row seen."""

import base64
import json
from typing import Any

from fastapi import Query
from pydantic import BaseModel

from epurchasing_shared.http.problems import Invalid


class PageParams(BaseModel):
    limit: int
    cursor: list[Any] | None


def page_params(
    limit: int = Query(default=50, ge=1, le=200),
    cursor: str | None = Query(default=None, max_length=500),
) -> PageParams:
    return PageParams(limit=limit, cursor=decode_cursor(cursor) if cursor else None)


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError
        return values
    except ValueError as error:
        raise Invalid("the cursor is not one this service gave out", field="cursor") from error
