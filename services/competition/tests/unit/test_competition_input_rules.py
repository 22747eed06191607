"""Pure rules of hostile input: upload content sniffing, safe names, the import's depth bound
and error cap, strict request types, the fiscal-year window."""

import hashlib
from datetime import date

import pytest
from pydantic import ValidationError

from competition.api.competitions import OpenIn, PatchIn
from competition.api.offers import OfferIn
from competition.api.purchase_requests import DraftIn
from competition.application.catalogue import (
    MAX_IMPORT_DEPTH,
    check_import,
    json_depth_within,
    parse_import,
)
from competition.application.document_content import check_document_content, safe_filename
from competition.domain import purchase_request as pr
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import RuleViolation

from .factories import a_request as draft_request

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"


def upload(content: bytes, media_type: str, name: str = "doc") -> Upload:
    return Upload(name, media_type, content, hashlib.sha256(content).hexdigest())


class TestUploadContent:
    @pytest.mark.parametrize(
        ("content", "media_type"),
        [(PNG, "image/png"), (PDF, "application/pdf"), (JPEG, "image/jpeg")],
    )
    def test_complete_files_pass(self, content, media_type):
        assert check_document_content(upload(content, media_type)).content == content

    @pytest.mark.parametrize(
        ("content", "media_type"),
        [
            (PNG + b"<html><script>x</script>", "image/png"),  # goes on after IEND
            (PNG[:16] + b"<html>" + PNG[16:], "image/png"),  # no IHDR first
            (b"\x89PNG\r\n\x1a\n<html></html>", "image/png"),
            (b"%PDF-1.4\n<html></html>", "application/pdf"),  # no %%EOF
            (b"%%EOF" + b"\n" * 2000, "application/pdf"),  # no header
            (JPEG[:-2], "image/jpeg"),  # no EOI
            (b"\xff\xd8\xff<script>alert(1)</script>\xff\xd9", "image/jpeg"),
        ],
    )
    def test_a_file_not_what_it_says_is_refused(self, content, media_type):
        with pytest.raises(RuleViolation) as refused:
            check_document_content(upload(content, media_type))
        assert refused.value.errors[0]["field"] == "file"
        assert "message_id" in refused.value.errors[0]

    @pytest.mark.parametrize(
        ("name", "media_type", "safe"),
        [
            ("../../etc/passwd", "application/pdf", "passwd.pdf"),
            ("C:\\Users\\x\\nota dinas.PDF", "application/pdf", "nota dinas.pdf"),
            ("spek\x07\x1b[31m teknis.html", "image/png", "spek[31m teknis.png"),
            ("gambar.png.exe", "image/jpeg", "gambar.png.jpg"),
            ("", "image/png", "document.png"),
            ("\u202etxt.exe", "application/pdf", "txt.pdf"),
        ],
    )
    def test_names_are_safe_and_match_the_media_type(self, name, media_type, safe):
        assert safe_filename(name, media_type) == safe


class TestImportBounds:
    def test_depth_is_measured_without_parsing(self):
        assert json_depth_within(b'[{"a": "[[[[[[[[[[[[[[[[[["}]')
        assert json_depth_within(b"[" * MAX_IMPORT_DEPTH + b"]" * MAX_IMPORT_DEPTH)
        assert not json_depth_within(b"[" * (MAX_IMPORT_DEPTH + 1))
        assert not json_depth_within(b"[" * 1_000_000)

    def test_a_deep_file_is_a_rule_violation_not_a_recursion_error(self):
        with pytest.raises(RuleViolation) as refused:
            parse_import("rows.json", "application/json", b"[" * 100_000 + b"]" * 100_000)
        assert refused.value.errors[0]["field"] == "file"

    def test_every_bad_row_is_counted(self):
        rows = [{"vendor_name": "V"}] * 3
        with pytest.raises(RuleViolation) as refused:
            check_import(rows)
        assert len(refused.value.errors) == 15 and "15 errors" in refused.value.detail

    @pytest.mark.parametrize("price", [True, 2.5, "12,5", None])
    def test_a_loose_price_is_refused(self, price):
        row = {
            "vendor_name": "CV Maju Jaya",
            "vendor_email": "mj@vendor.example.id",
            "category": "laptop",
            "product_name": "Laptop",
            "unit": "unit",
            "unit_price": price,
        }
        with pytest.raises(RuleViolation):
            check_import([row])


DRAFT = {
    "rup_code": "RUP-1",
    "fiscal_year": 2026,
    "dpa_number": "DPA-1",
    "pagu": 1_000_000,
    "title": "t",
    "specification": "s",
    "delivery_address": "a",
    "delivery_date": "2026-04-30",
    "items": [{"category": "c", "description": "d", "quantity": 1, "unit": "unit"}],
}


class TestStrictRequestModels:
    @pytest.mark.parametrize(
        "changes",
        [
            {"pagu": "1000000"},
            {"pagu": True},
            {"pagu": 1.5},
            {"fiscal_year": "2026"},
            {"delivery_date": 1_700_000_000},
            {"delivery_date": "1970-01-01"},
            {"items": []},
            {"items": [DRAFT["items"][0]] * 201},
            {"title": "x" * 301},
        ],
    )
    def test_a_draft_refuses(self, changes):
        with pytest.raises(ValidationError):
            DraftIn.model_validate(DRAFT | changes)

    def test_a_good_draft_passes(self):
        assert DraftIn.model_validate(DRAFT).delivery_date == date(2026, 4, 30)

    @pytest.mark.parametrize(
        "body",
        [
            {
                "lines": [
                    {
                        "line_no": "1",
                        "product_id": "00000000-0000-0000-0000-000000000001",
                        "unit_price": 5,
                    }
                ],
                "shipping_cost": 0,
                "delivery_days": 3,
            },
            {
                "lines": [
                    {
                        "line_no": 1,
                        "product_id": "00000000-0000-0000-0000-000000000001",
                        "unit_price": 5,
                    }
                ],
                "shipping_cost": False,
                "delivery_days": 3,
            },
            {
                "lines": [
                    {
                        "line_no": 1,
                        "product_id": "00000000-0000-0000-0000-000000000001",
                        "unit_price": 5,
                    }
                ],
                "shipping_cost": 0,
                "delivery_days": 3.0,
            },
        ],
    )
    def test_an_offer_refuses_loose_numbers(self, body):
        with pytest.raises(ValidationError):
            OfferIn.model_validate(body)

    def test_deadlines_are_iso_text(self):
        with pytest.raises(ValidationError):
            OpenIn.model_validate({"offer_deadline": 1_800_000_000})
        with pytest.raises(ValidationError):
            PatchIn.model_validate({"delivery_deadline": 0})
        with pytest.raises(ValidationError):
            PatchIn.model_validate(
                {"items": [{"line_no": True, "description": "d", "quantity": 1, "unit": "u"}]}
            )


class TestFiscalYear:
    @pytest.mark.parametrize(
        ("year", "fine"), [(2024, False), (2025, True), (2027, True), (2028, False)]
    )
    def test_within_a_year_of_today(self, year, fine):
        request = draft_request(fiscal_year=year)
        if fine:
            pr.check_draft_data(request, date(2026, 3, 2))
        else:
            with pytest.raises(RuleViolation) as refused:
                pr.check_draft_data(request, date(2026, 3, 2))
            assert refused.value.errors[0]["field"] == "fiscal_year"
            assert "tahun anggaran" in refused.value.errors[0]["message_id"]

    def test_a_delivery_date_years_ahead_is_refused(self):
        with pytest.raises(RuleViolation):
            pr.check_draft_data(draft_request(delivery_date=date(2030, 1, 1)), date(2026, 3, 2))
