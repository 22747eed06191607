"""What a delivery document must be (delivery document, BAP, BAST, payment document, receipt):
a whole PDF, PNG or JPEG file by its content, not only by its first bytes, under a safe name.

The shared upload check already refuses an empty or oversized file, an unknown media type and a
file that does not start with its type's magic bytes. This module adds what a browser or a
viewer would otherwise be fooled by:

- the declared media type must be the one the content is (a PNG sent as ``application/pdf`` is
  refused, not stored under the wrong type);
- a PDF starts with ``%PDF-`` and ends with ``%%EOF`` (only whitespace may follow it);
- a PNG is a chain of chunks from ``IHDR`` to ``IEND`` with nothing after it (each chunk's
  length and CRC checked): a PNG that goes on as HTML is refused;
- a JPEG starts with SOI (``FF D8 FF``) and ends with EOI (``FF D9``);
- no file may carry HTML markup in its first kilobyte (what content sniffing looks at);
- the stored file name has no folder, no control or format characters, no leading dot, at most
  120 characters, and the extension of its media type (``.pdf``, ``.png``, ``.jpg``).
"""

import re
import struct
import unicodedata
import zlib
from pathlib import PurePosixPath

from epurchasing_shared.kernel.errors import RuleViolation

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: (".pdf",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_TAIL = 1024  # %%EOF must be within the last kilobyte
SNIFFED = 1024  # what a browser's content sniffing reads
HTML_MARKERS = (b"<!doctype html", b"<html", b"<script", b"<body", b"<iframe", b"<svg")
MAX_NAME = 120


def sniff(content: bytes) -> str | None:
    """The media type the content claims by its first bytes (None: none of ours)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(PNG_SIGNATURE):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _pdf_problem(content: bytes) -> str | None:
    if not content.startswith(b"%PDF-"):
        return "does not start with %PDF-"
    if not content[-PDF_TAIL:].rstrip(b" \t\r\n\x00").endswith(b"%%EOF"):
        return "does not end with %%EOF"
    return None


def _png_problem(content: bytes) -> str | None:
    """Walk the chunks: IHDR first, IEND last and at the very end, each CRC right."""
    if not content.startswith(PNG_SIGNATURE):
        return "does not start with the PNG signature"
    at, first = len(PNG_SIGNATURE), True
    while at + 12 <= len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind = content[at + 4 : at + 8]
        end = at + 12 + length
        if end > len(content):
            return f"chunk {kind!r} runs past the end of the file"
        if first and kind != b"IHDR":
            return "does not start with an IHDR chunk"
        (crc,) = struct.unpack(">I", content[end - 4 : end])
        if zlib.crc32(content[at + 4 : end - 4]) & 0xFFFFFFFF != crc:
            return f"chunk {kind!r} has a wrong CRC"
        if kind == b"IEND":
            return None if end == len(content) else "has data after the IEND chunk"
        at, first = end, False
    return "does not end with an IEND chunk"


def _jpeg_problem(content: bytes) -> str | None:
    if not content.startswith(b"\xff\xd8\xff"):
        return "does not start with the JPEG SOI marker"
    if not content.endswith(b"\xff\xd9"):
        return "does not end with the JPEG EOI marker"
    return None


PROBLEMS = {PDF: _pdf_problem, PNG: _png_problem, JPEG: _jpeg_problem}
JENIS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG"}


def content_problem(media_type: str, content: bytes) -> tuple[str, str] | None:
    """Why ``content`` is not a whole file of ``media_type`` (English, Indonesian), or None."""
    sniffed = sniff(content)
    if sniffed != media_type:
        named = JENIS.get(sniffed or "", "bukan PDF, PNG, atau JPEG")
        return (
            f"is sent as {media_type} but its content is {sniffed or 'none of PDF, PNG, JPEG'}",
            f"dikirim sebagai {JENIS.get(media_type, media_type)} tetapi isinya {named}",
        )
    problem = PROBLEMS[media_type](content)
    if problem is not None:
        return (
            f"is not a whole {media_type} file: it {problem}",
            f"bukan berkas {JENIS[media_type]} yang utuh ({problem})",
        )
    head = content[:SNIFFED].lower()
    if any(marker in head for marker in HTML_MARKERS):
        return ("contains HTML markup", "berisi markup HTML")
    return None


def safe_filename(name: str | None, media_type: str, fallback: str = "dokumen") -> str:
    """A file name safe to store and to send in ``Content-Disposition``: the last part of any
    path (``/`` or ``\\``), without control or format characters, no leading dots, at most
    :data:`MAX_NAME` characters, ending in the extension of ``media_type``."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = "".join(
        " " if unicodedata.category(c)[0] in {"C", "Z"} and c != " " else c
        for c in unicodedata.normalize("NFC", base)
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip().lstrip(".").strip()
    cleaned = re.sub(r'["<>:|?*;]', "_", cleaned)
    extensions = EXTENSIONS.get(media_type, ("",))
    path = PurePosixPath(cleaned or fallback)
    known = path.suffix.lower() in extensions
    suffix = path.suffix.lower() if known else extensions[0]
    stem = (path.stem if known else path.name).strip() or fallback
    stem = stem[: MAX_NAME - len(suffix)]
    return f"{stem}{suffix}"


def refuse_unfit(declared: str | None, content: bytes, field: str) -> None:
    """Refuse (422 on ``field``) an empty file, a media type other than PDF, PNG or JPEG, or
    content that is not a whole file of the declared type."""
    media_type = (declared or "").split(";")[0].strip().lower()
    if not content:
        raise RuleViolation.one(field, f"{field} is empty", f"berkas {field} kosong")
    if media_type not in EXTENSIONS:
        raise RuleViolation.one(
            field,
            f"{field} has media type {media_type or 'none'}; allowed: {', '.join(EXTENSIONS)}",
            f"berkas {field} bertipe {media_type or 'tanpa tipe'}; yang diterima: PDF, PNG, JPEG",
        )
    problem = content_problem(media_type, content)
    if problem is not None:
        english, indonesian = problem
        raise RuleViolation.one(field, f"{field} {english}", f"berkas {field} {indonesian}")
