"""Cursor pages: ``limit`` and an opaque ``cursor`` naming the last row seen (no HTTP)."""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from epurchasing_shared.kernel.errors import RuleViolation


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: list[Any] | None = None


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The values of a cursor this service gave out (a 422 refusal for any other)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list):
            raise ValueError
        return values
    except (ValueError, binascii.Error) as error:
        raise RuleViolation.one("cursor", "the cursor is not one this service gave out") from error
