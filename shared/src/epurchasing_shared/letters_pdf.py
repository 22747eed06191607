"""The layout of an Indonesian government letter as a PDF (ReportLab), shared by the services'
generated letters (ordering's Surat Pesanan, delivery's BAP and BAST): the work unit's
letterhead (kop surat) over a double rule, field rows, the item table with the total in
figures and in words (*terbilang*), the two signature blocks, and the document itself.

Deterministic: ReportLab's invariant mode with the creation date set to the letter's date, the
PDF's ID a digest of that, core fonts only (nothing embedded, nothing read from the host), so
the same letter always gives the same bytes (and the same SHA-256).
"""

import hashlib
import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from epurchasing_shared.letters import Letterhead

FONT, BOLD, ITALIC = "Times-Roman", "Times-Bold", "Times-Italic"
MARGINS = {"leftMargin": 25 * mm, "rightMargin": 15 * mm, "topMargin": 15 * mm}
FRAME_PADDING = 6  # points, each side (ReportLab's frame)
TEXT_WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"] - 2 * FRAME_PADDING
BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=14)
JUSTIFIED = ParagraphStyle("justified", parent=BODY, alignment=TA_JUSTIFY)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=10, leading=12)
NUMBER = ParagraphStyle("number", parent=SMALL, alignment=TA_RIGHT)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=TA_CENTER)
TITLE = ParagraphStyle("title", parent=CENTRE, fontName=BOLD, fontSize=13, leading=16)
KOP_GOVERNMENT = ParagraphStyle("kop1", parent=CENTRE, fontName=BOLD, fontSize=14, leading=17)
KOP_UNIT = ParagraphStyle("kop2", parent=CENTRE, fontName=BOLD, fontSize=16, leading=20)


def text(value: object) -> str:
    """User text made safe for ReportLab's paragraph markup."""
    return escape(str(value))


def figures(amount: int) -> str:
    """``97.760.000``: thousands separated by dots (the column says Rp)."""
    return f"{amount:,}".replace(",", ".")


class DoubleRule(Flowable):
    """The kop surat's rule: a thick line over a thin one, the text width wide."""

    def __init__(self, width: float) -> None:
        super().__init__()
        self.width, self.height = width, 4

    def draw(self) -> None:
        self.canv.setLineWidth(2)
        self.canv.line(0, 4, self.width, 4)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0.8, self.width, 0.8)


def dated_canvas(day: date, title: str) -> type[Canvas]:
    """A canvas whose document is dated ``day`` (00:00 WIB) and whose ID is a digest of the
    title and that date: nothing of the host's clock or environment reaches the file."""

    class DatedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            stamp = self._doc._timeStamp
            stamp.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
            stamp.dhh, stamp.dmm = 7, 0
            self._doc.signature = hashlib.md5(usedforsecurity=False)
            self._doc.signature.update(f"{title}|{day.isoformat()}".encode())

    return DatedCanvas


def letterhead(head: Letterhead, width: float) -> list[Flowable]:
    return [
        Paragraph(text(head.government.upper()), KOP_GOVERNMENT),
        Paragraph(text(head.work_unit.upper()), KOP_UNIT),
        Paragraph(text(head.city.upper()), CENTRE),
        Spacer(1, 2 * mm),
        DoubleRule(width),
        Spacer(1, 5 * mm),
    ]


def fields(rows: list[tuple[str, str]], label_width: float, width: float) -> Table:
    """``label : value`` rows, as a letter lists the parties and the facts."""
    table = Table(
        [[Paragraph(text(k), BODY), ":", Paragraph(v, BODY)] for k, v in rows],
        colWidths=[label_width, 4 * mm, width - label_width - 4 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (1, 0), (1, -1), FONT, 11),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def signatures(
    left: tuple[str, str, str], right: tuple[str, str, str], width: float
) -> KeepTogether:
    """Two signature blocks side by side: (heading, party, name) each, markup already
    escaped; the name underlined below the space for the signature and the stamp (dots when
    the letter cannot know who signs)."""

    def signer(name: str) -> Paragraph:
        return Paragraph(f"<u><b>{name}</b></u>" if name else "(" + "." * 40 + ")", CENTRE)

    rows = [
        [Paragraph(left[0], CENTRE), Paragraph(right[0], CENTRE)],
        [Paragraph(left[1], CENTRE), Paragraph(right[1], CENTRE)],
        ["", ""],
        [signer(left[2]), signer(right[2])],
    ]
    table = Table(rows, colWidths=[width / 2, width / 2], rowHeights=[None, None, 22 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 6 * mm), table])


def items_table(
    rows: list[tuple[int, str, int, str, int, int]],
    totals: list[tuple[str, int]],
    width: float,
) -> Table:
    """No, item, quantity, unit, unit price, line total; then the totals, the last in bold."""
    widths = [10 * mm, None, 16 * mm, 16 * mm, 30 * mm, 32 * mm]
    fixed = sum(w for w in widths if w is not None)
    widths[1] = width - fixed
    header = ["No", "Uraian Barang", "Volume", "Satuan", "Harga Satuan (Rp)", "Jumlah (Rp)"]
    data: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", SMALL) for h in header]]
    for no, description, quantity, unit, price, line_total in rows:
        data.append(
            [
                Paragraph(str(no), SMALL),
                Paragraph(text(description), SMALL),
                Paragraph(figures(quantity), NUMBER),
                Paragraph(text(unit), SMALL),
                Paragraph(figures(price), NUMBER),
                Paragraph(figures(line_total), NUMBER),
            ]
        )
    first_total = len(data)
    for label, amount in totals:
        data.append(
            [Paragraph(text(label), NUMBER), "", "", "", "", Paragraph(figures(amount), NUMBER)]
        )
    last = len(data) - 1
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
        ("FONT", (0, last), (-1, last), BOLD),
    ]
    style += [("SPAN", (0, r), (4, r)) for r in range(first_total, len(data))]
    data[last] = [
        Paragraph(f"<b>{text(totals[-1][0])}</b>", NUMBER),
        "",
        "",
        "",
        "",
        Paragraph(f"<b>{figures(totals[-1][1])}</b>", NUMBER),
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def build(story: list[Flowable], *, title: str, subject: str, day: date, footer: str) -> bytes:
    """The story as A4 pages, dated ``day``, each with ``footer`` and its page number."""

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGINS["leftMargin"], 10 * mm, footer)
        canvas.drawRightString(A4[0] - MARGINS["rightMargin"], 10 * mm, f"Halaman {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        subject=subject,
        author="e-Purchasing",
        creator="e-Purchasing",
        invariant=1,
        bottomMargin=18 * mm,
        **MARGINS,
    )
    doc.build(
        story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=dated_canvas(day, title)
    )
    return out.getvalue()
