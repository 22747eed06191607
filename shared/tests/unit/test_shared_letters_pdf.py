"""The letters' layout (``epurchasing_shared.letters_pdf``) on long input: the item table
across pages with its header row on each, text wrapped inside its cell and its margins,
nothing below the bottom margin but the footer, the signatures kept on one page, user text
never read as markup, and the same bytes for the same letter.

The PDFs are read back by their content streams (core fonts, one stream a page): each text
run with its page, position, font and size, its right edge from the font's metrics.
"""

import hashlib
import re
import zlib
from base64 import a85decode
from dataclasses import dataclass
from datetime import date

import pytest
from reportlab.pdfbase.pdfmetrics import getFont

from epurchasing_shared.letters import Letterhead
from epurchasing_shared.letters_pdf import (
    BODY,
    JUSTIFIED,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    PAGE_WIDTH,
    TEXT_WIDTH,
    X0,
    Y_BOTTOM,
    Letter,
    text,
    width_of,
    wrap,
)

HEAD = Letterhead(
    "PEMERINTAH KABUPATEN MOJOKERTO", "Dinas Kesehatan Kabupaten Mojokerto", "Mojokerto"
)
DAY = date(2026, 3, 2)
RIGHT_EDGE = X0 + TEXT_WIDTH
# the item table's columns (No, Uraian Barang, Volume, Satuan, Harga Satuan, Jumlah): x from-to
MM = 72 / 25.4
WIDTHS = [10 * MM, TEXT_WIDTH - 104 * MM, 16 * MM, 16 * MM, 30 * MM, 32 * MM]
COLUMNS = [(X0 + sum(WIDTHS[:k]), X0 + sum(WIDTHS[: k + 1])) for k in range(6)]
FOOTER = "Surat Pesanan SP/dinkes/2026/0001 versi 1"


@dataclass(frozen=True)
class Run:
    page: int
    x: float
    right: float
    y: float
    font: str
    size: float
    text: str


def runs(content: bytes) -> list[Run]:
    """Every text run the PDF shows, page by page."""
    fonts = dict(
        (name.decode(), base.decode())
        for base, name in re.findall(rb"/BaseFont /([\w-]+) /Encoding /\w+ /Name /(\w+)", content)
    )
    out = []
    pattern = rb"obj\s*<<((?:(?!>>\s*stream).)*?)>>\s*stream\r?\n(.*?)endstream"
    for page, (head, data) in enumerate(re.findall(pattern, content, re.S), start=1):
        if b"ASCII85Decode" in head:
            data = a85decode(data.strip().removesuffix(b"~>"))
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        for block in re.findall(rb"\bBT\b(.*?)\bET\b", data.decode("latin-1").encode(), re.S):
            block = block.decode()
            where = re.search(r"1 0 0 1 (\S+) (\S+) Tm", block)
            if not where:
                continue
            x, y = float(where[1]), float(where[2])
            spacing = re.search(r"(\S+) Tw", block)
            tw = float(spacing[1]) if spacing else 0.0
            font, size = "", 0.0
            for op in re.finditer(r"/(\w+) (\S+) Tf|\(((?:\\.|[^\\)])*)\) Tj", block):
                if op[1]:
                    font, size = fonts[op[1]], float(op[2])
                    continue
                shown = re.sub(r"\\(.)", r"\1", op[3])
                w = getFont(font).stringWidth(shown, size) + tw * shown.count(" ")
                out.append(Run(page, x, x + w, y, font, size, shown))
                x += w
    return out


def shown(content: bytes) -> str:
    return " ".join(" ".join(r.text for r in runs(content)).split())


def letter(
    lines: list[tuple[int, str, int, str, int, int]],
    vendor: str = "CV Maju Jaya Komputer",
    terms: str = "Pembayaran setelah BAST.",
) -> bytes:
    """A Surat Pesanan-like letter with these item lines."""
    pdf = Letter(title="SURAT PESANAN (SP)", subject="Paket", day=DAY, footer=FOOTER)
    pdf.letterhead(HEAD)
    pdf.paragraph("<u>SURAT PESANAN (SP)</u>")
    pdf.fields([("Penyedia", f"<b>{text(vendor)}</b>"), ("Paket", "Pengadaan laptop")], 35 * MM)
    pdf.space(4 * MM)
    subtotal = sum(line[-1] for line in lines)
    pdf.items(lines, [("Jumlah harga barang", subtotal), ("Ongkos kirim", 0), ("TOTAL", subtotal)])
    pdf.paragraph("<b>Ketentuan:</b>")
    pdf.paragraph(text(terms), JUSTIFIED)
    pdf.paragraph("Mojokerto, 2 Maret 2026")
    pdf.signatures(
        ("Menerima dan menyetujui,", f"Penyedia<br/>{text(vendor)}", ""),
        ("Pemesan,", "Pejabat Pembuat Komitmen", "Budi Santoso, S.Kom."),
    )
    return pdf.pdf()


def item(no: int, description: str | None = None, unit: str = "unit") -> tuple:
    description = description or f"Barang nomor {no} dengan uraian yang panjang ({'x' * (no % 7)})"
    return (no, description, no, unit, 1_000_000 + no, no * (1_000_000 + no))


def test_a_long_table_runs_over_pages_with_its_header_row_on_each():
    content = letter([item(n) for n in range(1, 61)])
    found = runs(content)
    pages = max(r.page for r in found)
    assert pages >= 3
    for page in range(1, pages + 1):
        on_page = [r for r in found if r.page == page]
        assert f"Halaman {page}" in [r.text for r in on_page]
        items = [r for r in on_page if r.text.startswith("Barang nomor")]
        if not items:
            continue
        (header,) = [r for r in on_page if r.text == "Uraian Barang"]
        assert header.font == "Times-Bold"
        assert header.y > max(r.y for r in items)  # above every row of the page
    text = shown(content)
    positions = [text.index(f"Barang nomor {n} dengan uraian yang panjang") for n in range(1, 61)]
    assert positions == sorted(positions)  # every item, in order
    assert "60 unit 1.000.060 60.003.600" in text
    assert "TOTAL" in text and "Budi Santoso, S.Kom." in text


def test_long_text_wraps_inside_its_cell_and_the_margins():
    long_word = "KodeProdukKatalog" * 4
    description = "Laptop ASUS VivoBook " * 12 + long_word
    vendor = "PT Penyedia Barang dan Jasa Nusantara Sejahtera Abadi Makmur Sentosa Raya Tbk " * 2
    content = letter(
        [item(1, description, "PaketBesarSekaliTanpaSpasi"), item(2)],
        vendor=vendor.strip(),
        terms="Kalimat ketentuan yang panjang sekali. " * 40,
    )
    found = runs(content)
    for run in found:  # nothing past the margins (the footer's on the page's margins)
        if run.text == FOOTER or run.text.startswith("Halaman"):
            assert MARGIN_LEFT - 0.01 <= run.x <= run.right <= PAGE_WIDTH - MARGIN_RIGHT + 0.01
        else:
            assert run.x >= X0 - 0.01 and run.right <= RIGHT_EDGE + 0.01, run
    for left, right in COLUMNS:  # each cell's text within the cell, padding kept
        cell = [r for r in found if r.size == 10 and abs(r.x - (left + 6)) < 0.01]
        assert all(r.right <= right - 6 + 0.01 for r in cell), (left, cell)
    description_lines = [r for r in found if abs(r.x - (COLUMNS[1][0] + 6)) < 0.01 and r.size == 10]
    assert len({r.y for r in description_lines}) > 5  # wrapped, not cut off
    unit_lines = [r.text for r in found if abs(r.x - (COLUMNS[3][0] + 6)) < 0.01 and r.size == 10]
    assert "".join(unit_lines[1:-1]) == "PaketBesarSekaliTanpaSpasi"  # a long word cut
    assert long_word in "".join(r.text for r in description_lines)
    text = shown(content)
    assert "Kalimat ketentuan yang panjang sekali. " * 39 in text + " "


def test_justified_lines_end_at_the_margin_but_the_last():
    lines = wrap(text("Kalimat ketentuan yang panjang sekali. " * 10), JUSTIFIED, TEXT_WIDTH)
    assert len(lines) > 2
    assert all(line.width <= TEXT_WIDTH for line in lines)
    assert [line.stretch for line in lines] == [True] * (len(lines) - 1) + [False]
    content = letter([item(1)], terms="Kalimat ketentuan yang panjang sekali. " * 10)
    body = [
        r for r in runs(content) if r.size == 11 and ("ketentuan" in r.text or "sekali" in r.text)
    ]
    assert len(body) == len(lines)  # one run a line (one font), the same lines
    assert [abs(r.right - RIGHT_EDGE) < 0.01 for r in body] == [True] * (len(lines) - 1) + [False]
    assert all(r.x == pytest.approx(X0, abs=0.01) for r in body)


def test_nothing_below_the_bottom_margin_and_the_signatures_on_one_page():
    for n in range(1, 25):
        found = runs(letter([item(k) for k in range(1, n + 1)], terms="Ketentuan. " * 12 * n))
        for run in found:
            if run.text != FOOTER and not run.text.startswith("Halaman"):
                assert run.y >= Y_BOTTOM - 0.01, (n, run)
        heading = next(r for r in found if r.text == "Menerima dan menyetujui,")
        name = next(r for r in found if r.text == "Budi Santoso, S.Kom.")
        dots = next(r for r in found if r.text.startswith("(....."))
        assert heading.page == name.page == dots.page, n


def test_a_row_taller_than_a_page_goes_on_over_the_next():
    words = [f"kata{k}" for k in range(900)]
    content = letter([item(1, " ".join(words)), item(2)])
    found = runs(content)
    assert max(r.page for r in found) >= 3
    description = [r for r in found if r.text.startswith("kata")]
    assert " ".join(r.text for r in description) == " ".join(words)  # all of it, in order
    assert len({r.page for r in description}) >= 2
    assert all(r.y >= Y_BOTTOM - 0.01 for r in description)


def test_user_text_is_shown_as_written_never_as_markup():
    tricky = "Laptop <b>tebal</b> & <i>miring</i> &amp; <br/> <font size=40>besar</font>"
    content = letter([item(1, tricky, "<u>unit</u>")], vendor="CV A&B <Jaya>")
    found = runs(content)
    written = shown(content).replace(" ", "")
    assert tricky.replace(" ", "") in written and "<u>unit</u>" in written
    assert "CV A&B <Jaya>" in shown(content)
    assert {r.font for r in found if "tebal" in r.text or "miring" in r.text} == {"Times-Roman"}
    with pytest.raises(ValueError, match="markup"):
        wrap("<font size=40>besar</font>", BODY, TEXT_WIDTH)  # a markup slip is loud


def test_widths_are_reportlabs():
    for value in ("Pejabat Pembuat Komitmen (PPK)", "Café “kutip” €", "中文 ā", ""):
        for font in ("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"):
            assert width_of(value, font, 11) == getFont(font).stringWidth(value, 11)


def test_the_same_letter_gives_the_same_bytes_dated_the_letter():
    first, again = letter([item(n) for n in range(1, 30)]), letter([item(n) for n in range(1, 30)])
    assert first == again
    assert b"/CreationDate (D:20260302000000+07'00')" in first
    assert b"/ModDate (D:20260302000000+07'00')" in first
    assert b"Helvetica" not in first  # core fonts, only those drawn with


def test_a_signature_block_taller_than_a_page_stays_inside_the_margins():
    vendor = "Nama Penyedia " * 150  # longer than any form allows: row by row, not off the page
    found = runs(letter([item(1)], vendor=vendor))
    for run in found:
        if run.text != FOOTER and not run.text.startswith("Halaman"):
            assert run.y >= Y_BOTTOM - 0.01, run
    assert " ".join(r.text for r in found if "Penyedia" in r.text).count("Penyedia") >= 150
    assert any(r.text == "Budi Santoso, S.Kom." for r in found)


def test_a_no_break_space_keeps_its_words_together_and_a_soft_hyphen_is_not_drawn():
    lines = wrap(text("Laptop\u00a0ASUS " * 30), BODY, 120)
    assert len(lines) > 3
    for line in lines:
        words = "".join(value for _, value, _ in line.runs).split(" ")
        assert all(word == "Laptop\u00a0ASUS" for word in words if word), words
    assert text("Pengada\u00adan") == "Pengadaan"
    assert "CV Pengadaan" in shown(letter([item(1)], vendor="CV Pengada\u00adan"))


def test_backslashes_and_unbalanced_parentheses_are_shown_as_written():
    vendor = "CV (Maju \\ Jaya))) (("
    assert vendor in shown(letter([item(1, "Kabel \\n (1 m")], vendor=vendor))
    assert "Kabel \\n (1 m" in shown(letter([item(1, "Kabel \\n (1 m")]))


def test_the_bytes_are_pinned():
    """The digest of a generated letter goes into the history as evidence: a change of layout
    or of ReportLab that changes the bytes must be a deliberate one (update this digest, and
    say so in docs/documents.md)."""
    content = letter([item(n) for n in range(1, 30)])
    assert hashlib.sha256(content).hexdigest() == (
        "5d2cda475a216ca60b7014f37aec26098c788d1934a5367d04b36cf73918ccfd"
    )
