"""An uploaded document is what its media type says, by content, and is kept under a safe name.

The shared check looks at the first bytes only; a file that starts as a PNG and goes on as
HTML, or a PDF with no end, passes it. Here the whole shape is checked: a PDF has the
``%PDF-`` header and ``%%EOF`` near its end; a PNG starts with its signature and the IHDR
chunk and ends with IEND; a JPEG starts with SOI and ends with EOI. Nothing markup-like may
follow the end marker.
"""

import re
import unicodedata
from dataclasses import replace
from pathlib import PurePosixPath, PureWindowsPath

from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import RuleViolation

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG_SOI, JPEG_EOI = b"\xff\xd8\xff", b"\xff\xd9"
PDF_HEADER, PDF_EOF = b"%PDF-", b"%%EOF"
PDF_EOF_WINDOW = 1024  # %%EOF must be within the last KiB (writers add a newline or two)
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
_MARKUP = re.compile(rb"<\s*(html|script|body|svg|iframe|!doctype)", re.IGNORECASE)


def _shaped(media_type: str, content: bytes) -> bool:
    if media_type == "application/pdf":
        return content.startswith(PDF_HEADER) and PDF_EOF in content[-PDF_EOF_WINDOW:]
    if media_type == "image/png":
        return content.startswith(PNG_SIGNATURE + b"\x00\x00\x00\x0dIHDR") and content.endswith(
            PNG_IEND
        )
    if media_type == "image/jpeg":
        return content.startswith(JPEG_SOI) and content.rstrip(b"\x00").endswith(JPEG_EOI)
    return False


def _starts_as_markup(media_type: str, content: bytes) -> bool:
    """An image whose first KiB holds HTML or script (a polyglot a browser could sniff)."""
    return media_type != "application/pdf" and _MARKUP.search(content[:1024]) is not None


def safe_filename(filename: str, media_type: str) -> str:
    """The base name only (no directory, either separator), no control or format characters,
    at most 120 characters, with the extension of its media type."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*\\/')
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name.strip(" .")
    return f"{(stem or 'document')[:120]}{EXTENSIONS[media_type]}"


def check_document_content(upload: Upload, field: str = "file") -> Upload:
    """The upload as stored: its content matches its media type, its name is safe."""
    if not _shaped(upload.media_type, upload.content) or _starts_as_markup(
        upload.media_type, upload.content
    ):
        raise RuleViolation.one(
            field,
            f"{field} is not a complete {upload.media_type} file",
            f"{field} bukan berkas {upload.media_type} yang utuh",
        )
    return replace(upload, filename=safe_filename(upload.filename, upload.media_type))
