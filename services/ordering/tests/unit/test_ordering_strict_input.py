"""Strict, bounded input: request models refuse strings for numbers, booleans for integers,
extra fields and unbounded lists; uploads are checked by their content and kept under a safe
name; the addendum's repeated line_no/quantity fields pair up; the views match the documented
response models."""

import hashlib
from datetime import date

import pytest
from pydantic import ValidationError

from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.errors import RuleViolation
from ordering.api.purchase_orders import pair_quantities
from ordering.api.schemas import MAX_LINES, PackageDetail, ProposalIn, ReasonIn, RejectionIn
from ordering.application.purchase_order import check_date_near
from ordering.application.uploads import check_content, safe_filename
from ordering.application.views import package_detail

from .fakes import OFFICIAL, RULES, asking, principal

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\xff\xd9"


def upload(content: bytes, media_type: str, filename: str = "sp.pdf") -> Upload:
    return Upload(filename, media_type, content, hashlib.sha256(content).hexdigest())


def proposal(**overrides):
    body = {"prices": [{"line_no": 1, "unit_price": 9_800_000}], "shipping_cost": 200_000}
    return ProposalIn.model_validate(body | overrides)


class TestStrictRequestModels:
    def test_a_valid_proposal(self):
        assert proposal().price_set().prices == {1: 9_800_000}

    @pytest.mark.parametrize(
        "overrides",
        [
            {"shipping_cost": "200000"},  # a string is not a number
            {"shipping_cost": True},  # a boolean is not an integer
            {"shipping_cost": 200_000.0},  # nor is a float
            {"shipping_cost": -1},
            {"shipping_cost": 10**16},
            {"prices": [{"line_no": "1", "unit_price": 9_800_000}]},
            {"prices": [{"line_no": 1, "unit_price": False}]},
            {"prices": [{"line_no": 0, "unit_price": 1}]},
            {"prices": []},
            {"prices": [{"line_no": n, "unit_price": 1} for n in range(1, MAX_LINES + 2)]},
            {"prices": [{"line_no": 1, "unit_price": 1}, {"line_no": 1, "unit_price": 2}]},
            {"note": "x" * 2001},
            {"discount": 5},  # an unknown field
        ],
    )
    def test_a_proposal_refuses(self, overrides):
        with pytest.raises(ValidationError):
            proposal(**overrides)

    def test_a_counter_goes_with_its_shipping_and_is_strict(self):
        with pytest.raises(ValidationError):
            RejectionIn.model_validate({"counter_prices": [{"line_no": 1, "unit_price": 1}]})
        with pytest.raises(ValidationError):
            RejectionIn.model_validate(
                {
                    "counter_prices": [{"line_no": 1, "unit_price": 1}],
                    "counter_shipping_cost": "0",
                }
            )
        assert RejectionIn.model_validate({"reason": "terlalu rendah"}).counter() is None

    def test_a_reason_is_bounded_text(self):
        for bad in ({"reason": "ok"}, {"reason": "x" * 2001}, {"reason": 123}):
            with pytest.raises(ValidationError):
                ReasonIn.model_validate(bad)


class TestUploadContent:
    @pytest.mark.parametrize(
        ("content", "media_type"),
        [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
    )
    def test_whole_files_pass(self, content, media_type):
        assert check_content(upload(content, media_type)).content == content

    @pytest.mark.parametrize(
        ("content", "media_type"),
        [
            (PNG + b"<html><script>alert(1)</script></html>", "image/png"),  # continues as HTML
            (b"\x89PNG\r\n\x1a\n<html></html>", "image/png"),  # no IHDR
            (PNG[:-12], "image/png"),  # no IEND
            (b"%PDF-1.4\n<html><body>hi</body></html>", "application/pdf"),  # no %%EOF
            (b"%PDF-1.4\n%%EOF\n" + b"<html>" * 400, "application/pdf"),  # %%EOF not at the end
            (b"\xff\xd8\xff\xe0<html></html>", "image/jpeg"),  # no EOI
        ],
    )
    def test_files_that_are_not_whole_are_refused(self, content, media_type):
        with pytest.raises(RuleViolation) as refused:
            check_content(upload(content, media_type))
        assert refused.value.errors[0]["field"] == "document"
        assert refused.value.errors[0]["message_id"].startswith("berkas")

    @pytest.mark.parametrize(
        ("given", "media_type", "kept"),
        [
            ("../../etc/passwd", "application/pdf", "passwd.pdf"),
            ("C:\\Users\\budi\\sp.PDF", "application/pdf", "sp.pdf"),
            ("surat\x00pesanan\x07.pdf", "application/pdf", "suratpesanan.pdf"),
            ("laporan.html", "application/pdf", "laporan.html.pdf"),
            ("foto.jpeg", "image/jpeg", "foto.jpg"),
            ("...", "image/png", "document.png"),
            ("a" * 500 + ".pdf", "application/pdf", "a" * 116 + ".pdf"),
        ],
    )
    def test_a_safe_name_with_the_media_types_extension(self, given, media_type, kept):
        assert safe_filename(given, media_type) == kept


class TestAddendumFields:
    def test_pairs_line_numbers_with_quantities_by_position(self):
        assert pair_quantities([2, 1], [3, 10]) == {2: 3, 1: 10}
        assert pair_quantities(None, None) is None

    @pytest.mark.parametrize(
        ("lines", "quantities", "field"),
        [([1, 2], [11], "quantity"), (None, [11], "quantity"), ([1, 1], [2, 3], "line_no")],
    )
    def test_refuses_unpaired_or_repeated_lines(self, lines, quantities, field):
        with pytest.raises(RuleViolation) as refused:
            pair_quantities(lines, quantities)
        assert refused.value.errors[0]["field"] == field
        assert refused.value.errors[0]["message_id"]

    def test_dates_must_be_near_today(self):
        today = date(2026, 3, 2)
        check_date_near("order_date", date(2026, 12, 31), today, 366, 366)
        for far in (date(1970, 1, 1), date(2030, 1, 1)):
            with pytest.raises(RuleViolation) as refused:
                check_date_near("order_date", far, today, 366, 366)
            assert refused.value.errors[0]["field"] == "order_date"


class TestViewsMatchTheDocumentedModels:
    async def test_a_package_with_rounds_order_and_email_validates(self, seeded):
        from ordering.application.process_package import process_package
        from ordering.domain.negotiation import RoundStatus
        from ordering.domain.states import PackageState

        from .conftest import proposed

        await process_package(seeded.world.unit_of_work, asking(OFFICIAL), seeded.id, RULES)
        seeded.at(
            PackageState.ORDER_ISSUED,
            rounds=[proposed(status=RoundStatus.ACCEPTED)],
            order=True,
        )
        async with seeded.world.unit_of_work(asking(OFFICIAL).caller) as uow:
            view = await package_detail(uow, seeded.package, principal(OFFICIAL))
        checked = PackageDetail.model_validate(view)
        assert checked.purchase_order is not None and checked.vendor_email is not None
        assert checked.negotiation[0].status is RoundStatus.ACCEPTED
