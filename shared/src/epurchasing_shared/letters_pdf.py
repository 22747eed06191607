"""The layout of an Indonesian government letter as a PDF (ReportLab), shared by the services'
generated letters (ordering's Surat Pesanan, delivery's BAP and BAST): the work unit's
letterhead (kop surat) over a double rule, field rows, the item table with the total in
figures and in words (*terbilang*), the two signature blocks, and the document itself.

Drawn straight onto a ReportLab canvas by a small layout of our own (:class:`Letter`), not
with platypus: a cursor moves down an A4 page, text is wrapped with the core fonts' glyph
widths (ReportLab's, read once at import) and written as PDF text operators, the table's grid
as lines, and a new page starts (footer and page number on each) when the cursor reaches the
bottom margin. It keeps platypus' metrics (frame, paddings, leading, greedy line breaks, long
words cut, a paragraph's first line never alone at the foot of a page, the table's header row
repeated on each page, the signatures kept together), so the letters look as they did when
platypus laid them out, which took six to seven times the CPU (its paragraph markup parser,
its line breaking and its generic tables were most of a letter's), during the request.

Text comes as a small markup: ``<b>``, ``<i>``, ``<u>`` and ``<br/>``, with ``&amp;``,
``&lt;`` and ``&gt;``; user text goes through :func:`text`, so it is always shown as written
(anything else that looks like a tag is an error, not silently dropped).

Deterministic: ReportLab's invariant mode with the creation date set to the letter's date, the
PDF's ID a digest of that, core fonts only (nothing embedded, nothing read from the host), so
the same letter always gives the same bytes (and the same SHA-256).
"""

import hashlib
import io
import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, unescape

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str, unicode2T1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from epurchasing_shared.letters import Letterhead, LetterLine

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 25 * mm, 15 * mm, 15 * mm, 18 * mm
FRAME_PADDING = 6  # points, each side (as ReportLab's platypus frame had it)
X0 = MARGIN_LEFT + FRAME_PADDING
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 2 * FRAME_PADDING
Y_TOP = PAGE_HEIGHT - MARGIN_TOP - FRAME_PADDING
Y_BOTTOM = MARGIN_BOTTOM + FRAME_PADDING
EPSILON = 1e-6

FAMILY = {
    (False, False): "Times-Roman",
    (True, False): "Times-Bold",
    (False, True): "Times-Italic",
    (True, True): "Times-BoldItalic",
}
FONT = FAMILY[False, False]
_METRICS = {name: getFont(name) for name in FAMILY.values()}
# Characters a core font's encoding lacks are drawn from Symbol or ZapfDingbats, as ReportLab
# does (``unicode2T1``), so any text gives a valid file.
_FALLBACK = {name: [font, *font.substitutionFonts] for name, font in _METRICS.items()}


def _widths(font: Any) -> dict[str, int]:
    """The font's glyph widths (thousandths of the size) by the characters its encoding has."""
    table = {}
    for code in range(256):
        try:
            char = bytes([code]).decode(font.encoding.name)
            table[char] = font.widths[char.encode(font.encoding.name)[0]]
        except UnicodeError:
            continue
    return table


_WIDTHS = {name: _widths(font) for name, font in _METRICS.items()}


def width_of(value: str, font: str, size: float) -> float:
    """What ReportLab's ``stringWidth`` gives, to the last bit, in a fifth of its time for a
    word (a dictionary look-up a character, rather than an encoding into bytes)."""
    try:
        return sum(map(_WIDTHS[font].__getitem__, value)) * 0.001 * size
    except KeyError:  # drawn partly from another font
        return float(_METRICS[font].stringWidth(value, size))


class Style(NamedTuple):
    size: float
    leading: float
    align: str = "left"  # left, centre, right, justify
    bold: bool = False


BODY = Style(11, 14)
JUSTIFIED = Style(11, 14, "justify")
CENTRE = Style(11, 14, "centre")
PLACE = Style(11, 14, "right")
SMALL = Style(10, 12)
SMALL_BOLD = Style(10, 12, bold=True)
NUMBER = Style(10, 12, "right")
NUMBER_BOLD = Style(10, 12, "right", bold=True)
TITLE = Style(13, 16, "centre", bold=True)
KOP_GOVERNMENT = Style(14, 17, "centre", bold=True)
KOP_UNIT = Style(16, 20, "centre", bold=True)
FOOTER_SIZE = 8
UNDERLINE_OFFSET = 0.125  # of the font size, below the baseline
GREY = "0.901961 0.901961 0.901961 rg"  # the item table's header row, #e6e6e6


def text(value: object) -> str:
    """User text made safe for the letter's markup: always shown as written (a soft hyphen,
    U+00AD, pasted from a word processor is an invisible break hint there: dropped, as platypus
    never drew it)."""
    return escape(str(value).replace("\u00ad", ""))


def figures(amount: int) -> str:
    """``97.760.000``: thousands separated by dots (the column says Rp)."""
    return f"{amount:,}".replace(",", ".")


# --- text: markup, words, lines ---------------------------------------------------------------

Run = tuple[str, str, bool]  # font, text, underlined


class Line(NamedTuple):
    """One line of text: its runs (words joined by single spaces), its natural width, the
    spaces a justified line stretches, and whether it may be stretched (not a paragraph's last
    line nor one ended by ``<br/>``)."""

    runs: list[Run]
    width: float
    spaces: int
    stretch: bool


_TAG = re.compile(r"<(/?)(b|i|u|br)\s*(/?)>")
# Where a line may break: ASCII whitespace only, so a no-break space (U+00A0) stays inside its
# word, as platypus kept it.
_SPACES = re.compile(r"[ \t\n\r\f\v]+")


def _pieces(markup: str, bold: bool) -> list[Run | None]:
    """The markup as runs of one font each, ``None`` for a ``<br/>``."""
    if "<" not in markup and "&" not in markup:
        return [(FAMILY[bold, False], markup, False)]
    out: list[Run | None] = []
    state = {"b": False, "i": False, "u": False}

    def add(raw: str) -> None:
        if "<" in raw or ">" in raw:
            raise ValueError(f"unknown markup in a letter: {raw!r} (user text goes through text())")
        if raw:
            font = FAMILY[bold or state["b"], state["i"]]
            out.append((font, unescape(raw), state["u"]))

    position = 0
    for tag in _TAG.finditer(markup):
        add(markup[position : tag.start()])
        position = tag.end()
        if tag[2] == "br":
            out.append(None)
        else:
            state[tag[2]] = not tag[1]
    add(markup[position:])
    return out


def _words(pieces: list[Run | None]) -> list[list[Run] | None]:
    """Words (whitespace between them collapsed; a word may change font midway, as in
    ``<b>Pemesan</b>,``) and ``None`` where a ``<br/>`` breaks the line."""
    words: list[list[Run] | None] = []
    word: list[Run] | None = None
    for piece in pieces:
        if piece is None:
            words.append(word := None)
            continue
        font, value, underline = piece
        for k, part in enumerate(_SPACES.split(value)):
            if k:
                word = None
            if part:
                if word is None:
                    words.append(word := [])
                word.append((font, part, underline))
    return words


def _split_long(
    word: list[Run], size: float, first: float, width: float
) -> list[tuple[list[Run], float]]:
    """A word wider than the column, cut between characters as platypus' ``splitLongWords``
    did: the first piece fills the ``first`` points left on the current line, the others a
    line each (the last one goes on with the words after it)."""
    chunks: list[tuple[list[Run], float]] = []
    chunk: list[Run] = []
    used, limit = 0.0, first
    for font, value, underline in word:
        for char in value:
            w = width_of(char, font, size)
            if used + w > limit + EPSILON and (chunk or w <= width + EPSILON):
                chunks.append((chunk, used))
                chunk, used, limit = [], 0.0, width
            if chunk and chunk[-1][0] == font and chunk[-1][2] == underline:
                chunk[-1] = (font, chunk[-1][1] + char, underline)
            else:
                chunk.append((font, char, underline))
            used += w
    chunks.append((chunk, used))
    return chunks


def _line(words: list[tuple[list[Run], float]], size: float, stretch: bool) -> Line:
    runs: list[Run] = []
    total = 0.0
    for k, (word, w) in enumerate(words):
        if k:  # the space between two words, in the font of the run before it
            font, value, underline = runs[-1]
            runs[-1] = (font, value + " ", underline)
            total += width_of(" ", font, size)
        for run in word:
            if runs and runs[-1][0] == run[0] and runs[-1][2] == run[2]:
                runs[-1] = (run[0], runs[-1][1] + run[1], run[2])
            else:
                runs.append(run)
        total += w
    return Line(runs, total, max(len(words) - 1, 0), stretch)


def wrap(markup: str, style: Style, width: float) -> list[Line]:
    """The markup broken into lines at most ``width`` wide (greedy, at spaces; a word wider
    than the column is cut between characters)."""
    size = style.size
    pieces = _pieces(markup, style.bold)
    if len(pieces) == 1 and pieces[0] is not None:  # one font: most cells fit on one line
        font, value, underline = pieces[0]
        value = " ".join(part for part in _SPACES.split(value) if part)
        w = width_of(value, font, size)
        if w <= width + EPSILON:
            return [Line([(font, value, underline)], w, value.count(" "), False)] if value else []
    lines: list[Line] = []
    current: list[tuple[list[Run], float]] = []
    used = 0.0
    for word in _words(pieces):
        if word is None:
            lines.append(_line(current, size, False))
            current, used = [], 0.0
            continue
        w = sum(width_of(value, font, size) for font, value, _ in word)
        space = width_of(" ", current[-1][0][-1][0], size) if current else 0.0
        if w > width + EPSILON:  # cut: its first piece ends this line
            *cut, (word, w) = _split_long(word, size, width - used - space, width)
            for chunk, chunk_width in cut:
                lines.append(
                    _line([*current, (chunk, chunk_width)] if chunk else current, size, True)
                )
                current, used, space = [], 0.0, 0.0
        elif current and used + space + w > width + EPSILON:
            lines.append(_line(current, size, True))
            current, used, space = [], 0.0, 0.0
        current.append((word, w))
        used += space + w
    if current:
        lines.append(_line(current, size, False))
    return lines


# --- the page -----------------------------------------------------------------------------------


class Cell(NamedTuple):
    x: float  # where the text starts (padding included)
    width: float  # the text's width
    align: str
    lines: list[Line]


class Row(NamedTuple):
    cells: list[Cell]
    rules: tuple[float, ...] = ()  # the grid's inner vertical lines
    fill: str | None = None  # a background (PDF colour operator)
    height: float = 0  # at least


def _row_height(row: Row, style: Style, pad: tuple[float, float]) -> float:
    """A table row's height: its tallest cell's lines and the paddings, or more if it says."""
    lines = max(len(cell.lines) for cell in row.cells)
    return max(row.height, lines * style.leading + pad[0] + pad[1])


def _cell(x: float, width: float, markup: str, style: Style, pad: float = 6) -> Cell:
    inner = width - 2 * pad
    return Cell(x + pad, inner, style.align, wrap(markup, style, inner))


class Letter:
    """One letter being drawn: a cursor down A4 pages, each with ``footer`` and its number.
    Dated ``day`` (00:00 WIB) with an ID digested from the title and that date: nothing of the
    host's clock or environment reaches the file."""

    def __init__(self, *, title: str, subject: str, day: date, footer: str) -> None:
        self._out = io.BytesIO()
        canvas = Canvas(
            self._out, pagesize=A4, invariant=1, pageCompression=1, initialFontName=FONT
        )
        stamp = canvas._doc._timeStamp
        stamp.YMDhms = (day.year, day.month, day.day, 0, 0, 0)
        stamp.dhh, stamp.dmm = 7, 0
        canvas._doc.signature = hashlib.md5(usedforsecurity=False)
        canvas._doc.signature.update(f"{title}|{day.isoformat()}".encode())
        canvas.setTitle(title)
        canvas.setSubject(subject)
        canvas.setAuthor("e-Purchasing")
        canvas.setCreator("e-Purchasing")
        self._canvas, self._footer = canvas, footer
        self._fonts: dict[str, str] = {}
        self._ops: list[str] = []
        self._page, self._y = 1, Y_TOP

    # the page and the cursor

    def _fits(self, height: float) -> bool:
        return self._y - height >= Y_BOTTOM - EPSILON

    def _at_top(self, below: float = 0) -> bool:
        return self._y >= Y_TOP - below - EPSILON

    def _next_page(self) -> None:
        self._finish_page()
        self._page += 1
        self._y = Y_TOP

    def _finish_page(self) -> None:
        y = 10 * mm
        number = f"Halaman {self._page}"
        right = PAGE_WIDTH - MARGIN_RIGHT - width_of(number, FONT, FOOTER_SIZE)
        self._text(Line([(FONT, self._footer, False)], 0, 0, False), MARGIN_LEFT, y, FOOTER_SIZE)
        self._text(Line([(FONT, number, False)], 0, 0, False), right, y, FOOTER_SIZE)
        self._canvas.addLiteral("\n".join(self._ops))
        self._ops = []
        self._canvas.showPage()

    def pdf(self) -> bytes:
        self._finish_page()
        self._canvas.save()
        return self._out.getvalue()

    # drawing

    def _font(self, name: str) -> str:
        if name not in self._fonts:
            self._fonts[name] = self._canvas._doc.getInternalFontName(name)
        return self._fonts[name]

    def _text(self, line: Line, x: float, y: float, size: float, spacing: float = 0) -> None:
        ops = [f"BT 1 0 0 1 {fp_str(x, y)} Tm"]
        if spacing:
            ops.append(f"{fp_str(spacing)} Tw")
        fonts, points = self._fonts, fp_str(size)
        for font, value, _ in line.runs:
            if value.isascii() and value.isprintable():  # the encoding's bytes are the same
                name = fonts.get(font) or self._font(font)
                ops.append(f"{name} {points} Tf ({escapePDF(value.encode())}) Tj")
                continue
            for metrics, encoded in unicode2T1(value, _FALLBACK[font]):
                name = self._font(metrics.fontName)
                ops.append(f"{name} {points} Tf ({escapePDF(encoded)}) Tj")
        if spacing:
            ops.append("0 Tw")
        ops.append("ET")
        self._ops.append(" ".join(ops))
        if any(underline for _, _, underline in line.runs):
            under = y - UNDERLINE_OFFSET * size
            for font, value, underline in line.runs:
                w = width_of(value, font, size) + spacing * value.count(" ")
                if underline:
                    self._ops.append(
                        f"q 1 w 0 0 0 RG n {fp_str(x, under)} m {fp_str(x + w, under)} l S Q"
                    )
                x += w

    def _lines(self, cell: Cell, top: float, style: Style, lines: Sequence[Line]) -> None:
        """``lines`` of ``cell``, the first line's baseline a font size below ``top``."""
        y = top - style.size
        for line in lines:
            if line.runs:
                x, spacing = cell.x, 0.0
                if cell.align == "right":
                    x += cell.width - line.width
                elif cell.align == "centre":
                    x += (cell.width - line.width) / 2
                elif cell.align == "justify" and line.stretch and line.spaces:
                    spacing = (cell.width - line.width) / line.spaces
                self._text(line, x, y, style.size, spacing)
            y -= style.leading

    def space(self, height: float) -> None:
        """Vertical space; on the next page if it does not fit on this one."""
        if not self._fits(height):
            self._next_page()
        self._y -= height

    def paragraph(self, markup: str, style: Style = BODY) -> None:
        """A paragraph the text's width, split between pages at any line but the first (a
        paragraph does not leave its first line alone at the foot of a page)."""
        cell = Cell(X0, TEXT_WIDTH, style.align, [])
        lines = wrap(markup, style, TEXT_WIDTH)
        if len(lines) > 1 and not self._fits(2 * style.leading):
            self._next_page()
        for line in lines:
            if not self._fits(style.leading):
                self._next_page()
            self._lines(cell, self._y, style, (line,))
            self._y -= style.leading

    def rule(self) -> None:
        """The kop surat's rule: a thick line over a thin one, the text width wide."""
        if not self._fits(4):
            self._next_page()
        right = X0 + TEXT_WIDTH
        thick, thin = self._y, self._y - 3.2
        self._ops.append(
            f"q 2 w n {fp_str(X0, thick)} m {fp_str(right, thick)} l S "
            f".6 w n {fp_str(X0, thin)} m {fp_str(right, thin)} l S Q"
        )
        self._y -= 4

    def _table(
        self,
        rows: list[Row],
        style: Style,
        pad: tuple[float, float],
        head: Row | None = None,
        grid: bool = False,
    ) -> None:
        """Rows of cells (tops aligned), the text's width, never split between pages unless a
        row is taller than a page; the ``head`` row starts the table on each page (as
        platypus' ``repeatRows=1``, and never alone); ``grid`` draws the lines."""
        top_pad, bottom_pad = pad
        head_height = _row_height(head, style, pad) if head else 0
        placed: list[tuple[Row, float, float]] = []

        def place(row: Row, h: float) -> None:
            if row.fill:
                self._ops.append(f"q {row.fill} n {fp_str(X0, self._y - h, TEXT_WIDTH, h)} re f Q")
            for cell in row.cells:
                self._lines(cell, self._y - top_pad, style, cell.lines)
            placed.append((row, self._y, h))
            self._y -= h

        def close() -> None:
            if grid and placed:
                self._grid(placed)
            placed.clear()

        for row in rows:
            while True:
                h = _row_height(row, style, pad)
                if head and not placed:
                    if not self._fits(head_height + h) and not self._at_top():
                        self._next_page()
                    place(head, head_height)
                if self._fits(h):
                    place(row, h)
                    break
                if not self._at_top(head_height):  # rows above on this page: the next page
                    close()
                    self._next_page()
                    continue
                # taller than a page: as many lines as fit here, the rest on the next page
                n = int((self._y - Y_BOTTOM - top_pad - bottom_pad + EPSILON) // style.leading)
                if n < 1:
                    place(row, h)
                    break
                first = Row([c._replace(lines=c.lines[:n]) for c in row.cells], row.rules, row.fill)
                place(first, _row_height(first, style, pad))
                row = Row([c._replace(lines=c.lines[n:]) for c in row.cells], row.rules, row.fill)
                close()
                self._next_page()
        close()

    def _grid(self, placed: list[tuple[Row, float, float]]) -> None:
        """The grid of rows placed on this page (row, top, height): the lines round each row,
        the inner vertical ones where a row has them (not across the totals' spanned label)."""
        left, right = X0, X0 + TEXT_WIDTH
        top, bottom = placed[0][1], placed[-1][1] - placed[-1][2]
        ops = ["q .5 w 1 J 1 j 0 0 0 RG"]
        ys = [top] + [y - h for _, y, h in placed]
        ops += [f"n {fp_str(left, y)} m {fp_str(right, y)} l S" for y in ys]
        ops += [f"n {fp_str(x, bottom)} m {fp_str(x, top)} l S" for x in (left, right)]
        for x in sorted({x for row, _, _ in placed for x in row.rules}):
            start = None  # consecutive rows with this rule: one line
            for row, y, _ in [*placed, (Row([]), bottom, 0)]:
                if x in row.rules and start is None:
                    start = y
                elif x not in row.rules and start is not None:
                    ops.append(f"n {fp_str(x, y)} m {fp_str(x, start)} l S")
                    start = None
        ops.append("Q")
        self._ops.append(" ".join(ops))

    # the parts of a letter

    def letterhead(self, head: Letterhead) -> None:
        self.paragraph(text(head.government.upper()), KOP_GOVERNMENT)
        self.paragraph(text(head.work_unit.upper()), KOP_UNIT)
        self.paragraph(text(head.city.upper()), CENTRE)
        self.space(2 * mm)
        self.rule()
        self.space(5 * mm)

    def fields(self, rows: list[tuple[str, str]], label_width: float) -> None:
        """``label : value`` rows, as a letter lists the parties and the facts (the label
        plain text, the value markup)."""
        colon = [Line([(FONT, ":", False)], width_of(":", FONT, 11), 0, False)]
        value_x = X0 + label_width + 4 * mm
        value_width = TEXT_WIDTH - label_width - 4 * mm - 6
        table = [
            Row(
                [
                    Cell(X0, label_width - 6, "left", wrap(text(label), BODY, label_width - 6)),
                    Cell(X0 + label_width, 4 * mm, "left", colon),
                    Cell(value_x, value_width, "left", wrap(value, BODY, value_width)),
                ]
            )
            for label, value in rows
        ]
        self._table(table, BODY, (1, 1))

    def priced_items(
        self,
        lines: Sequence[LetterLine],
        subtotal: int,
        shipping_cost: int,
        total: int,
        total_words: str,
    ) -> None:
        """The item table with its three totals, then the total in words (*terbilang*), as
        the Surat Pesanan, the BAP and the BAST all give them."""
        self.items(
            [(x.no, x.description, x.quantity, x.unit, x.unit_price, x.total) for x in lines],
            [
                ("Jumlah harga barang", subtotal),
                ("Ongkos kirim", shipping_cost),
                ("TOTAL", total),
            ],
        )
        self.space(2 * mm)
        self.paragraph(f"<b>Terbilang:</b> <i>{text(total_words.capitalize())}</i>")

    def items(
        self, rows: list[tuple[int, str, int, str, int, int]], totals: list[tuple[str, int]]
    ) -> None:
        """No, item, quantity, unit, unit price, line total; then the totals, the last in
        bold: a grid, the header row grey and repeated on each page the table reaches."""
        xs, widths = _ITEM_COLUMNS
        body = [
            Row(
                [
                    _cell(xs[0], widths[0], str(no), SMALL),
                    _cell(xs[1], widths[1], text(description), SMALL),
                    _cell(xs[2], widths[2], figures(quantity), NUMBER),
                    _cell(xs[3], widths[3], text(unit), SMALL),
                    _cell(xs[4], widths[4], figures(price), NUMBER),
                    _cell(xs[5], widths[5], figures(line_total), NUMBER),
                ],
                tuple(xs[1:]),
            )
            for no, description, quantity, unit, price, line_total in rows
        ]
        for k, (label, amount) in enumerate(totals):
            style = NUMBER_BOLD if k == len(totals) - 1 else NUMBER
            cells = [
                _cell(X0, xs[5] - X0, text(label), style),
                _cell(xs[5], widths[5], figures(amount), style),
            ]
            body.append(Row(cells, (xs[5],)))
        self._table(body, SMALL, (3, 3), head=_item_head(), grid=True)

    def signatures(self, left: tuple[str, str, str], right: tuple[str, str, str]) -> None:
        """Two signature blocks side by side, kept on one page: (heading, party, name) each,
        markup; the name underlined below the space for the signature and the stamp (dots
        when the letter cannot know who signs)."""

        def signer(name: str) -> str:
            return f"<u><b>{name}</b></u>" if name else "(" + "." * 40 + ")"

        half = TEXT_WIDTH / 2
        rows = [
            Row([_cell(X0, half, left[0], CENTRE), _cell(X0 + half, half, right[0], CENTRE)]),
            Row([_cell(X0, half, left[1], CENTRE), _cell(X0 + half, half, right[1], CENTRE)]),
            Row([Cell(X0, half, "left", [])], height=22 * mm),
            Row(
                [
                    _cell(X0, half, signer(left[2]), CENTRE),
                    _cell(X0 + half, half, signer(right[2]), CENTRE),
                ]
            ),
        ]
        block = 6 * mm + sum(_row_height(row, CENTRE, (3, 3)) for row in rows)
        if not self._fits(block) and not self._at_top():
            self._next_page()
        self._y -= 6 * mm
        # Kept together when it fits on a page; taller than one (names far longer than the
        # forms allow), the table goes on over the next page as any table does.
        self._table(rows, CENTRE, (3, 3))


def _item_columns() -> tuple[list[float], list[float]]:
    widths = [10 * mm, 0, 16 * mm, 16 * mm, 30 * mm, 32 * mm]
    widths[1] = TEXT_WIDTH - sum(widths)
    xs = [X0 + sum(widths[:k]) for k in range(len(widths))]
    return xs, widths


_ITEM_COLUMNS = _item_columns()
ITEM_HEADER = ("No", "Uraian Barang", "Volume", "Satuan", "Harga Satuan (Rp)", "Jumlah (Rp)")


@cache
def _item_head() -> Row:
    xs, widths = _ITEM_COLUMNS
    cells = [_cell(x, w, h, SMALL_BOLD) for x, w, h in zip(xs, widths, ITEM_HEADER, strict=True)]
    return Row(cells, tuple(xs[1:]), fill=GREY)
