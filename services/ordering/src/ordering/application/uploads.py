"""What an uploaded document must be, beyond the shared media-type and size check: a file that
IS what it says by its content (a whole PDF, PNG or JPEG, not one that continues as HTML), kept
under a safe name (no path, no control characters, the extension of its media type)."""

import re
import unicodedata
from dataclasses import replace

from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import RuleViolation

EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
JPEG_EXTENSIONS = {".jpg", ".jpeg"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IHDR = b"\x00\x00\x00\x0dIHDR"  # the first chunk: length 13, type IHDR
PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the last chunk, with its CRC
PDF_EOF_WINDOW = 1024  # %%EOF must be in the last KiB (a trailing newline or two allowed)
MAX_NAME = 120


def _looks_whole(media_type: str, content: bytes) -> bool:
    if media_type == "application/pdf":
        return content.startswith(b"%PDF-") and b"%%EOF" in content[-PDF_EOF_WINDOW:]
    if media_type == "image/png":
        return (
            content.startswith(PNG_SIGNATURE)
            and content[8:16] == PNG_IHDR
            and content.endswith(PNG_IEND)
        )
    if media_type == "image/jpeg":
        return content.startswith(b"\xff\xd8\xff") and content.endswith(b"\xff\xd9")
    return False


def safe_filename(filename: str, media_type: str) -> str:
    """The last path segment, printable characters only, at most MAX_NAME characters, ending
    with the media type's extension (``laporan.html`` sent as a PDF becomes
    ``laporan.html.pdf``; nothing usable becomes ``document.pdf``)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] not in ("C", "Z") or c == " ")
    name = re.sub(r"\s+", " ", name).strip(" .")
    extension = EXTENSIONS[media_type]
    stem, dot, given = name.rpartition(".")
    if dot and (
        "." + given.lower() == extension
        or (extension == ".jpg" and "." + given.lower() in JPEG_EXTENSIONS)
    ):
        name = stem
    name = name[: MAX_NAME - len(extension)].strip(" .") or "document"
    return name + extension


def check_content(upload: Upload, field: str = "document") -> Upload:
    """Refuse a file whose content is not a whole file of its media type (422 naming
    ``field``); keep it under a safe name."""
    if not _looks_whole(upload.media_type, upload.content):
        raise RuleViolation.one(
            field,
            f"{field} is not a complete {upload.media_type} file",
            f"berkas {field} bukan berkas {upload.media_type} yang utuh",
        )
    return replace(upload, filename=safe_filename(upload.filename, upload.media_type))
