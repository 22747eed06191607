"""Uploads checked by content (BAP, BAST, delivery and payment documents) and kept under a
safe name; the strict form types of the API (rupiah, date-times, text)."""

import hashlib
import struct
import zlib
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from delivery.api.inputs import Instant, Line, Rupiah, Text, checked_document
from delivery.domain.documents import content_problem, safe_filename
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import RuleViolation

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + chunk(b"IEND", b"")
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def upload(content: bytes, media_type: str, name: str = "bast.pdf") -> Upload:
    return Upload(name, media_type, content, hashlib.sha256(content).hexdigest())


class TestContent:
    @pytest.mark.parametrize(
        ("content", "media_type"),
        [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
    )
    def test_whole_files_pass(self, content, media_type):
        assert content_problem(media_type, content) is None

    def test_a_pdf_may_end_with_whitespace_after_eof(self):
        assert content_problem("application/pdf", PDF + b"\r\n  \n") is None

    @pytest.mark.parametrize(
        ("content", "media_type", "why"),
        [
            (b"%PDF-1.4\n1 0 obj<<>>endobj\n", "application/pdf", "%%EOF"),
            (PDF + b"<html><script>alert(1)</script>", "application/pdf", "%%EOF"),
            (PNG + b"<html><script>alert(1)</script></html>", "image/png", "after the IEND"),
            (PNG[:-12], "image/png", "IEND"),
            (
                b"\x89PNG\r\n\x1a\n" + chunk(b"IDAT", b"x") + chunk(b"IEND", b""),
                "image/png",
                "IHDR",
            ),
            (PNG.replace(b"IDAT", b"IDAX"), "image/png", "CRC"),
            (JPEG[:-2], "image/jpeg", "EOI"),
            (PNG, "application/pdf", "content is image/png"),
            (PDF, "image/jpeg", "content is application/pdf"),
            (b"%PDF-1.4\n<!DOCTYPE html><html>\n%%EOF", "application/pdf", "HTML"),
        ],
    )
    def test_files_that_are_not_whole_are_refused(self, content, media_type, why):
        problem = content_problem(media_type, content)
        assert problem is not None and why in problem[0]

    def test_a_refusal_names_the_field_in_english_and_indonesian(self):
        with pytest.raises(RuleViolation) as refused:
            checked_document(upload(PNG + b"<html>", "image/png", "bap.png"), "bap")
        [error] = refused.value.errors
        assert error["field"] == "bap"
        assert error["message_id"].startswith("berkas bap bukan berkas PNG yang utuh")


class TestSafeName:
    @pytest.mark.parametrize(
        ("given", "media_type", "kept"),
        [
            ("bast.pdf", "application/pdf", "bast.pdf"),
            ("../../etc/passwd", "application/pdf", "passwd.pdf"),
            ("C:\\Users\\budi\\BAST final.PDF", "application/pdf", "BAST final.pdf"),
            ("evil.html", "application/pdf", "evil.html.pdf"),
            ("foto\r\nSet-Cookie: x.jpeg", "image/jpeg", "foto Set-Cookie_ x.jpeg"),
            ("\u202etxt.exe.png", "image/png", "txt.exe.png"),
            ("...", "image/png", "bap.png"),
            ("", "image/jpeg", "bap.jpg"),
            (None, "application/pdf", "bap.pdf"),
            ('a"b.pdf', "application/pdf", "a_b.pdf"),
        ],
    )
    def test_names_lose_folders_controls_and_get_their_extension(self, given, media_type, kept):
        assert safe_filename(given, media_type, "bap") == kept

    def test_names_are_bounded(self):
        kept = safe_filename("x" * 500 + ".pdf", "application/pdf")
        assert len(kept) == 120 and kept.endswith(".pdf")

    def test_a_checked_upload_keeps_the_safe_name(self):
        kept = checked_document(upload(PDF, "application/pdf", "../../BAST\x00.pdf"), "bast")
        assert kept.filename == "BAST.pdf" and kept.content == PDF


class TestStrictFormTypes:
    @pytest.mark.parametrize("value", ["62525000", 62_525_000])
    def test_whole_rupiah(self, value):
        assert TypeAdapter(Rupiah).validate_python(value) == 62_525_000

    @pytest.mark.parametrize(
        "value", [True, "true", "1e6", "100.0", "+100", " 100", "1_000", "-5", 10.0, "", "1" * 17]
    )
    def test_not_whole_rupiah(self, value):
        with pytest.raises(ValidationError):
            TypeAdapter(Rupiah).validate_python(value)

    def test_date_times_need_an_offset_and_a_sane_year(self):
        instant = TypeAdapter(Instant)
        assert instant.validate_python("2026-01-05T09:30:00+07:00") == datetime(
            2026, 1, 5, 2, 30, tzinfo=UTC
        )
        assert instant.validate_python("2026-01-05T02:30:00Z").tzinfo is UTC
        for bad in (
            "2026-01-05T09:30:00",
            "2026-01-05",
            "1767600000",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59+14:00",
            "0001-01-01T00:00:00-12:00",
            "2026-02-30T00:00:00Z",
            "2026-01-05T09:30:00+07:00 ",
        ):
            with pytest.raises(ValidationError):
                instant.validate_python(bad)

    def test_text_has_no_control_characters(self):
        assert TypeAdapter(Text).validate_python("baris 1\nbaris 2\tok") == "baris 1\nbaris 2\tok"
        with pytest.raises(ValidationError):
            TypeAdapter(Text).validate_python("bell\x07")
        with pytest.raises(ValidationError):
            TypeAdapter(Line).validate_python("JNE\nSet-Cookie: x")
        assert TypeAdapter(Line).validate_python("JNE Trucking") == "JNE Trucking"
