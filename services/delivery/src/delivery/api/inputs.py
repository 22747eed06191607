"""Strict input of the delivery API's forms (multipart: every value arrives as text).

- money is whole rupiah written as digits only (``62525000``): no sign, no decimals, no
  exponent, no ``true``; positive and at most :data:`MAX_PAYMENT_RUPIAH`;
- a date-time is RFC 3339 with its UTC offset (``2026-01-05T09:30:00+07:00`` or ``...Z``),
  between 2000 and 2100 here (the rules then keep it between the order date and now);
- text is bounded (``max_length`` on each form field) and has no control characters (a note
  may have line breaks and tabs);
- uploads must be whole PDF, PNG or JPEG files by content, kept under a safe name.
"""

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from annotated_types import Gt, Le
from fastapi import UploadFile
from pydantic import AfterValidator, BeforeValidator

from delivery.domain.documents import refuse_unfit, safe_filename
from delivery.domain.payments import MAX_PAYMENT_RUPIAH
from epurchasing_shared.documents import Upload, check_upload

__all__ = ["MAX_PAYMENT_RUPIAH", "Instant", "Line", "Rupiah", "Text", "read_document"]

DIGITS = re.compile(r"[0-9]{1,16}")
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
EARLIEST, LATEST = 2000, 2100
LINE_BREAKS = {"\n", "\r", "\t"}


def _whole_rupiah(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("whole rupiah, not a boolean")
    if isinstance(value, str):
        if not DIGITS.fullmatch(value):
            raise ValueError("whole rupiah, digits only (e.g. 62525000)")
        return int(value)
    if isinstance(value, int):
        return value
    raise ValueError("whole rupiah, digits only (e.g. 62525000)")


def _instant(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        if not RFC3339.fullmatch(value):
            raise ValueError(
                "an RFC 3339 date-time with its UTC offset, e.g. 2026-01-05T09:30:00+07:00"
            )
        try:
            value = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        except ValueError as error:
            raise ValueError(f"not a real date-time: {error}") from error
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(
            "an RFC 3339 date-time with its UTC offset, e.g. 2026-01-05T09:30:00+07:00"
        )
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"a date-time between {EARLIEST} and {LATEST}")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError(f"a date-time between {EARLIEST} and {LATEST}") from error


def _no_controls(allowed: set[str]):  # type: ignore[no-untyped-def]
    def check(value: str | None) -> str | None:
        if value is not None and any(
            (ord(c) < 32 or 127 <= ord(c) < 160) and c not in allowed for c in value
        ):
            raise ValueError("no control characters")
        return value

    return check


# The bounds are on the integer (so the schema shows them), the digits check runs before.
Rupiah = Annotated[int, Gt(0), Le(MAX_PAYMENT_RUPIAH), BeforeValidator(_whole_rupiah)]
Instant = Annotated[datetime | None, BeforeValidator(_instant)]
Line = Annotated[str | None, AfterValidator(_no_controls(set()))]
Text = Annotated[str | None, AfterValidator(_no_controls(LINE_BREAKS))]


async def read_document(upload: UploadFile, max_bytes: int, field: str) -> Upload:
    """Read one uploaded file: at most ``max_bytes`` (413), a whole PDF, PNG or JPEG by
    content (422 on ``field`` otherwise, in English and Indonesian), under a safe name."""
    content = await upload.read(max_bytes + 1)
    if len(content) <= max_bytes:
        refuse_unfit(upload.content_type, content, field)  # our texts, before the shared ones
    checked = check_upload(upload.filename, upload.content_type, content, max_bytes, field)
    return checked_document(checked, field)


def checked_document(upload: Upload, field: str) -> Upload:
    """The upload, refused (422 on ``field``) unless its content is a whole file of its media
    type; kept under a safe name."""
    refuse_unfit(upload.media_type, upload.content, field)
    return replace(upload, filename=safe_filename(upload.filename, upload.media_type, field))
