"""The generated BAP and BAST (26): the mapping from the fulfilment to the letter, the PDF
(deterministic, carrying the numbers it must), the use case keeping it with its SHA-256 in the
step's history entry, and the demo procurement's rendering.

``WRITE_SCREENSHOTS=1 pytest services/delivery/tests/unit/test_delivery_letters.py`` (with
poppler's ``pdftoppm`` on PATH) writes ``docs/screenshots/bap.png`` and ``bast.png``.
"""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue
from epurchasing_demo.steps_competition import PAGU, QUANTITY
from epurchasing_demo.steps_ordering import _cut
from fakes import World, asking, ppk_of

from delivery.adapters.letters_pdf import PdfLetters
from delivery.application.letters import letter_filename, receipt_letter
from delivery.application.ppk_steps import inspect_goods
from delivery.domain.fulfilment import Fulfilment, OrderTerms
from delivery.domain.states import FulfilmentState
from epurchasing_shared.documents import Upload
from epurchasing_shared.letters import LetterheadSettings

SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
LETTERHEAD = LetterheadSettings(work_unit_names={"dinkes": Cast().work_unit_name})
DELIVERED = datetime(2026, 3, 20, 3, 30, tzinfo=UTC)  # Friday 20 March, 10:30 WIB
INSPECTED, HANDED_OVER = date(2026, 3, 23), date(2026, 3, 24)


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


def demo_fulfilment() -> Fulfilment:
    """The demo procurement's fulfilment (Dinas Kesehatan Kabupaten Mojokerto, laptops from
    CV Maju Jaya Komputer at the demo's default negotiated price), delivered."""
    cast, spec = Cast(), demo_catalogue().vendors[0]
    price = _cut(spec.offer_price, 2)
    line = {
        "line_no": 1,
        "product_id": str(uuid4()),
        "description": spec.product,
        "quantity": QUANTITY,
        "unit": "unit",
        "unit_price": price,
        "line_total": QUANTITY * price,
    }
    return Fulfilment(
        procurement_id=uuid4(),
        package_id=uuid4(),
        order_id=uuid4(),
        order_number=f"SP/{cast.work_unit}/2026/0001",
        work_unit=cast.work_unit,
        ppk_id=cast.ppk.sub,
        ppk_name=cast.ppk.name,
        vendor_id=uuid4(),
        vendor_name=spec.name,
        order=OrderTerms(
            version=1,
            total=QUANTITY * price + spec.shipping_cost,
            shipping_cost=spec.shipping_cost,
            delivery_deadline=date(2026, 4, 1),
            lines=(line,),
        ),
        order_date=date(2026, 3, 2),
        pagu=PAGU,
        delivery_address="Jl. Raya Jabon KM 6, Mojoanyar, Kabupaten Mojokerto",
        state=FulfilmentState.DELIVERED,
        delivered_at=DELIVERED,
    )


def demo_letters() -> dict[str, bytes]:
    fulfilment, head = demo_fulfilment(), LETTERHEAD.of("dinkes")
    delivered_on = DELIVERED.date()
    bap = receipt_letter(
        "bap",
        fulfilment,
        head,
        day=INSPECTED,
        delivered_on=delivered_on,
        note="10 unit laptop diperiksa, sesuai spesifikasi",
    )
    bast = receipt_letter(
        "bast",
        fulfilment,
        head,
        day=HANDED_OVER,
        delivered_on=delivered_on,
        note="barang diterima lengkap 10 unit, kondisi baik",
        inspected_on=INSPECTED,
    )
    return {"bap": PdfLetters().receipt(bap), "bast": PdfLetters().receipt(bast)}


def test_the_letter_maps_the_fulfilment():
    fulfilment = demo_fulfilment()
    letter = receipt_letter(
        "bast",
        fulfilment,
        LetterheadSettings().of("dinkes"),
        day=HANDED_OVER,
        delivered_on=None,
        note=None,
        inspected_on=INSPECTED,
    )
    assert letter.number == "BAST/SP/dinkes/2026/0001"
    assert letter.title == "BERITA ACARA SERAH TERIMA BARANG"
    assert letter.letterhead.work_unit == "DINKES"  # no name configured: the code
    assert (letter.subtotal, letter.shipping_cost, letter.total) == (
        97_510_000,
        250_000,
        97_760_000,
    )
    assert letter.total_words == "sembilan puluh tujuh juta tujuh ratus enam puluh ribu rupiah"
    assert (letter.ppk_name, letter.vendor_name) == (
        "Budi Santoso, S.Kom.",
        "CV Maju Jaya Komputer",
    )
    assert letter.lines[0].total == 97_510_000 and letter.order_version == 1
    assert letter_filename("bap", fulfilment.order_number) == "bap-SP-dinkes-2026-0001.pdf"


def test_the_pdfs_are_deterministic_and_dated_the_step():
    first, again = demo_letters(), demo_letters()
    assert first == again
    assert b"/CreationDate (D:20260323000000+07'00')" in first["bap"]
    assert b"/CreationDate (D:20260324000000+07'00')" in first["bast"]


@pytest.mark.parametrize("kind", ["bap", "bast"])
def test_the_demo_bap_and_bast_carry_their_numbers_and_their_screenshots(kind, tmp_path):
    """Acceptance: the demo's BAP and BAST carry the SP number, the total in figures and in
    words, and the parties; docs/screenshots/{bap,bast}.png are their renderings."""
    content = demo_letters()[kind]
    text = pdf_text(content)
    expected = [
        "DINAS KESEHATAN KABUPATEN MOJOKERTO",
        f"Nomor: {kind.upper()}/SP/dinkes/2026/0001",
        "Surat Pesanan Nomor SP/dinkes/2026/0001 tanggal 2 Maret 2026",
        "Budi Santoso, S.Kom.",
        "Pejabat Pembuat Komitmen (PPK)",
        "CV Maju Jaya Komputer",
        "10 unit 9.751.000 97.510.000",
        "TOTAL 97.760.000",
        "Terbilang: Sembilan puluh tujuh juta tujuh ratus enam puluh ribu rupiah",
        "Tanggal diterima : 20 Maret 2026",
    ]
    if kind == "bap":
        expected += [
            "BERITA ACARA PEMERIKSAAN BARANG",
            "Pada hari ini Senin, tanggal 23 Maret 2026",
        ]
    else:
        expected += [
            "BERITA ACARA SERAH TERIMA BARANG",
            "Pada hari ini Selasa, tanggal 24 Maret 2026",
            "PIHAK PERTAMA",
            "PIHAK KEDUA",
            "diperiksa pada tanggal 23 Maret 2026",
        ]
    for wanted in expected:
        assert wanted in text, wanted
    screenshot = SCREENSHOTS / f"{kind}.png"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm and os.environ.get("WRITE_SCREENSHOTS"):
        source = tmp_path / f"{kind}.pdf"
        source.write_bytes(content)
        stem = str(screenshot.with_suffix(""))
        subprocess.run([pdftoppm, "-png", "-r", "90", "-singlefile", source, stem], check=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_inspection_keeps_the_generated_bap_with_its_digest_in_the_history():
    """The use case: the signed scan and the generated BAP, both in the step's history entry."""
    world = World()
    fulfilment = world.seed(demo_fulfilment())
    scan = b"%PDF-1.4\n%%EOF\n"
    upload = Upload("bap.pdf", "application/pdf", scan, hashlib.sha256(scan).hexdigest())
    outcome = await inspect_goods(
        world.factory, asking(ppk_of(fulfilment)), fulfilment.procurement_id, upload, "baik"
    )
    assert outcome.body["state"] == "inspected"
    (entry,) = [h for h in world.store.history if h.action == "inspect_goods"]
    kinds = {d["kind"]: d for d in entry.documents}
    assert set(kinds) == {"bap", "bap_generated"}
    generated = kinds["bap_generated"]
    assert generated["media_type"] == "application/pdf"
    assert generated["filename"] == "bap-SP-dinkes-2026-0001.pdf"
    kept = {ref.sha256: ref for _, ref in world.store.documents.values()}
    assert kept[generated["sha256"]].kind == "bap_generated"
