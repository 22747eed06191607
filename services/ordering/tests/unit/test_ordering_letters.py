"""The generated Surat Pesanan: terbilang, the mapping from the package to the letter, the PDF
(deterministic, carrying the numbers it must), and the demo procurement's rendering.

``WRITE_SCREENSHOTS=1 pytest services/ordering/tests/unit/test_ordering_letters.py`` (with
poppler's ``pdftoppm`` on PATH) writes ``docs/screenshots/surat-pesanan.png``.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue
from epurchasing_demo.steps_competition import PAGU, QUANTITY
from epurchasing_demo.steps_ordering import _cut

from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.terbilang import hari, rupiah, tanggal, terbilang, terbilang_rupiah
from ordering.adapters.letters_pdf import PdfLetters
from ordering.application.letters import letter_filename, purchase_order_letter
from ordering.domain.package import Package, Person, Vendor
from ordering.domain.pricing import Line
from ordering.domain.purchase_order import OrderTerms, OrderVersion, PurchaseOrder
from ordering.domain.states import PackageState

SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
ORDER_DATE = date(2026, 3, 2)


def pdf_text(content: bytes) -> str:
    """The text a PDF of core fonts shows (its content streams' strings), spaces collapsed."""
    found = []
    pattern = rb"obj\s*<<((?:(?!>>\s*stream).)*?)>>\s*stream\r?\n(.*?)endstream"
    for head, data in re.findall(pattern, content, re.S):
        if b"ASCII85Decode" in head:
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data):
            found.append(re.sub(rb"\\(.)", rb"\1", raw).decode("latin-1"))
    return " ".join(" ".join(found).split())


class TestTerbilang:
    @pytest.mark.parametrize(
        ("n", "words"),
        [
            (0, "nol"),
            (1, "satu"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (100, "seratus"),
            (101, "seratus satu"),
            (111, "seratus sebelas"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (1100, "seribu seratus"),
            (2000, "dua ribu"),
            (11_000, "sebelas ribu"),
            (100_000, "seratus ribu"),
            (101_000, "seratus satu ribu"),
            (1_000_000, "satu juta"),
            (1_001_000, "satu juta seribu"),
            (92_500_000, "sembilan puluh dua juta lima ratus ribu"),
            (1_100_000_000, "satu miliar seratus juta"),
            (1_000_000_000_000, "satu triliun"),
            (
                987_654_321_012,
                "sembilan ratus delapan puluh tujuh miliar enam ratus lima puluh empat juta "
                "tiga ratus dua puluh satu ribu dua belas",
            ),
            (2 * 10**15, "dua kuadriliun"),
            (10**18, "seribu kuadriliun"),
            (-5, "minus lima"),
        ],
    )
    def test_words(self, n, words):
        assert terbilang(n) == words

    def test_rupiah_in_words_and_figures(self):
        assert terbilang_rupiah(92_500_000) == "sembilan puluh dua juta lima ratus ribu rupiah"
        assert rupiah(97_760_000) == "Rp97.760.000" and rupiah(0) == "Rp0"

    def test_dates(self):
        assert tanggal(ORDER_DATE) == "2 Maret 2026" and hari(ORDER_DATE) == "Senin"

    def test_only_whole_numbers(self):
        for wrong in (1.5, "10", True):
            with pytest.raises(TypeError):
                terbilang(wrong)  # type: ignore[arg-type]


def demo_package(addendum: bool = False) -> tuple[Package, PurchaseOrder]:
    """The demo procurement's package and order (Dinas Kesehatan Kabupaten Mojokerto buying
    laptops from CV Maju Jaya Komputer, the demo's default negotiation: 2 % off), dated."""
    cast, spec = Cast(), demo_catalogue().vendors[0]
    price = _cut(spec.offer_price, 2)
    line = Line(1, spec.product, QUANTITY, "unit", price, uuid4())
    deadline = ORDER_DATE + timedelta(days=30)
    terms = OrderTerms(
        lines=(line,),
        shipping_cost=spec.shipping_cost,
        delivery_deadline=deadline,
        signatory=cast.ppk.name,
        terms="Pembayaran setelah BAST; garansi resmi 2 tahun; denda keterlambatan 1 per mil.",
    )
    issued = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    versions = [OrderVersion(1, terms, uuid4(), cast.ppk.sub, issued)]
    if addendum:
        more = OrderTerms(
            (Line(1, spec.product, 11, "unit", price),), *list(vars(terms).values())[1:]
        )
        at = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
        versions.append(OrderVersion(2, more, uuid4(), cast.ppk.sub, at, "tambah satu laptop"))
    order = PurchaseOrder(
        id=uuid4(),
        number=f"SP/{cast.work_unit}/2026/0001",
        work_unit=cast.work_unit,
        year=2026,
        seq=1,
        order_date=ORDER_DATE,
        original_total=terms.total,
        versions=versions,
    )
    package = Package(
        id=uuid4(),
        procurement_id=uuid4(),
        competition_id=uuid4(),
        offer_id=uuid4(),
        title=f"Pengadaan laptop {cast.work_unit_name}",
        rup_code="RUP-2026-1.02.0042",
        fiscal_year=2026,
        work_unit=cast.work_unit,
        ppk=Person(cast.ppk.sub, cast.ppk.name),
        official=Person(cast.official.sub, cast.official.name),
        vendor=Vendor(uuid4(), spec.name, spec.email),
        offered_lines=(line,),
        offered_shipping_cost=spec.shipping_cost,
        lines=(line,),
        shipping_cost=spec.shipping_cost,
        pagu=PAGU,
        delivery_address="Jl. Raya Jabon KM 6, Mojoanyar, Kabupaten Mojokerto",
        delivery_deadline=deadline,
        state=PackageState.ORDER_ISSUED,
        version=9,
        created_at=issued,
        order=order,
    )
    return package, order


LETTERHEAD = LetterheadSettings(work_unit_names={"dinkes": Cast().work_unit_name})


class TestTheLetter:
    def test_maps_the_order_version_with_totals_in_figures_and_words(self):
        package, order = demo_package(addendum=True)
        head = LETTERHEAD.of("dinkes")
        first = purchase_order_letter(package, order, order.versions[0], head, None)
        assert (first.number, first.version, first.letter_date) == (order.number, 1, ORDER_DATE)
        assert first.letterhead.work_unit == "Dinas Kesehatan Kabupaten Mojokerto"
        assert (first.subtotal, first.shipping_cost, first.total) == (
            97_510_000,
            250_000,
            97_760_000,
        )
        assert first.total_words == "sembilan puluh tujuh juta tujuh ratus enam puluh ribu rupiah"
        assert (first.vendor_name, first.signatory) == ("CV Maju Jaya Komputer", package.ppk.name)
        second = purchase_order_letter(package, order, order.versions[1], head, None)
        assert second.is_addendum and second.reason == "tambah satu laptop"
        assert second.letter_date == date(2026, 3, 9) and second.lines[0].quantity == 11
        assert second.total == 11 * 9_751_000 + 250_000
        assert LetterheadSettings().of("dinkes").work_unit == "DINKES"  # no name configured
        assert letter_filename(order.number, 2) == "surat-pesanan-SP-dinkes-2026-0001-v2.pdf"

    def test_the_pdf_is_deterministic_and_dated_the_letter(self):
        package, order = demo_package()
        letter = purchase_order_letter(
            package, order, order.versions[0], LETTERHEAD.of("dinkes"), None
        )
        first, again = PdfLetters().purchase_order(letter), PdfLetters().purchase_order(letter)
        assert first == again and first.startswith(b"%PDF-") and b"%%EOF" in first[-64:]
        assert b"/CreationDate (D:20260302000000+07'00')" in first
        assert hashlib.sha256(first).hexdigest() == hashlib.sha256(again).hexdigest()

    def test_user_text_cannot_inject_markup(self):
        package, order = demo_package()
        package.title = "Laptop <b>bold</b> & <font size=40>big</font>"
        letter = purchase_order_letter(
            package, order, order.versions[0], LETTERHEAD.of("dinkes"), None
        )
        shown = pdf_text(PdfLetters().purchase_order(letter)).replace(" ", "")
        assert "Laptop<b>bold</b>&<fontsize=40>big</font>" in shown  # as text, not markup


def test_the_demo_surat_pesanan_carries_its_numbers_and_its_screenshot(tmp_path):
    """Acceptance: the demo's Surat Pesanan carries the SP number, the total in figures and
    in words, and the parties; docs/screenshots/surat-pesanan.png is its rendering."""
    package, order = demo_package()
    letter = purchase_order_letter(package, order, order.versions[0], LETTERHEAD.of("dinkes"), None)
    content = PdfLetters().purchase_order(letter)
    text = pdf_text(content)
    for expected in (
        "SURAT PESANAN (SP)",
        "Nomor: SP/dinkes/2026/0001",
        "DINAS KESEHATAN KABUPATEN MOJOKERTO",
        "Penyedia : CV Maju Jaya Komputer",
        "Nama : Budi Santoso, S.Kom.",
        "Pejabat Pembuat Komitmen (PPK)",
        "10 unit 9.751.000 97.510.000",
        "Ongkos kirim 250.000",
        "TOTAL 97.760.000",
        "Terbilang: Sembilan puluh tujuh juta tujuh ratus enam puluh ribu rupiah",
        "Mojokerto, 2 Maret 2026",
    ):
        assert expected in text, expected
    screenshot = SCREENSHOTS / "surat-pesanan.png"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm and os.environ.get("WRITE_SCREENSHOTS"):
        source = tmp_path / "surat-pesanan.pdf"
        source.write_bytes(content)
        stem = str(screenshot.with_suffix(""))
        subprocess.run([pdftoppm, "-png", "-r", "90", "-singlefile", source, stem], check=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
