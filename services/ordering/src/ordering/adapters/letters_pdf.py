"""The Surat Pesanan as a PDF (ReportLab), in the layout of an Indonesian government letter:
the work unit's letterhead (kop surat) over a double rule, the title and number, the parties,
the item table with the total in figures and in words (*terbilang*), the delivery and the
terms, the place and date, and the two signature blocks.

Deterministic: ReportLab's invariant mode with the creation date set to the letter's date, the
PDF's ID a digest of that, core fonts only (nothing embedded, nothing read from the host), so
the same letter always gives the same bytes (and the same SHA-256).
"""

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from epurchasing_shared.letters_pdf import (
    BODY,
    CENTRE,
    JUSTIFIED,
    TEXT_WIDTH,
    TITLE,
    build,
    fields,
    items_table,
    letterhead,
    signatures,
    text,
)
from epurchasing_shared.terbilang import tanggal
from ordering.application.letters import PurchaseOrderLetter


class PdfLetters:
    """The ordering service's :class:`~ordering.application.letters.LetterRenderer`."""

    def purchase_order(self, letter: PurchaseOrderLetter) -> bytes:
        width = TEXT_WIDTH
        if letter.is_addendum:
            heading = f"ADENDUM KE-{letter.version - 1} SURAT PESANAN (SP)"
        else:
            heading = "SURAT PESANAN (SP)"
        story: list[Flowable] = [
            *letterhead(letter.letterhead, width),
            Paragraph(f"<u>{heading}</u>", TITLE),
            Paragraph(f"Nomor: {text(letter.number)}", CENTRE),
        ]
        if letter.is_addendum:
            story.append(
                Paragraph(
                    f"(versi {letter.version}; Surat Pesanan tanggal {tanggal(letter.order_date)})",
                    CENTRE,
                )
            )
        story += [
            Spacer(1, 5 * mm),
            Paragraph("Yang bertanda tangan di bawah ini:", BODY),
            Spacer(1, 1 * mm),
            fields(
                [
                    ("Nama", text(letter.signatory)),
                    ("Jabatan", "Pejabat Pembuat Komitmen (PPK)"),
                    ("Satuan Kerja", text(letter.letterhead.work_unit)),
                ],
                35 * mm,
                width,
            ),
            Spacer(1, 1 * mm),
            Paragraph("selanjutnya disebut <b>Pemesan</b>, memesan kepada:", BODY),
            Spacer(1, 1 * mm),
            fields([("Penyedia", f"<b>{text(letter.vendor_name)}</b>")], 35 * mm, width),
            Spacer(1, 1 * mm),
            Paragraph(
                "selanjutnya disebut <b>Penyedia</b>, barang berikut melalui e-Purchasing "
                "Katalog Elektronik (mini-kompetisi):",
                BODY,
            ),
            Spacer(1, 1 * mm),
            fields(
                [
                    ("Paket", text(letter.package_title)),
                    ("Kode RUP", text(letter.rup_code)),
                    ("Tahun Anggaran", str(letter.fiscal_year)),
                ],
                35 * mm,
                width,
            ),
            Spacer(1, 4 * mm),
            items_table(
                [
                    (x.no, x.description, x.quantity, x.unit, x.unit_price, x.total)
                    for x in letter.lines
                ],
                [
                    ("Jumlah harga barang", letter.subtotal),
                    ("Ongkos kirim", letter.shipping_cost),
                    ("TOTAL", letter.total),
                ],
                width,
            ),
            Spacer(1, 2 * mm),
            Paragraph(f"<b>Terbilang:</b> <i>{text(letter.total_words.capitalize())}</i>", BODY),
            Spacer(1, 3 * mm),
            fields(
                [
                    ("Alamat pengiriman", text(letter.delivery_address)),
                    ("Batas waktu penyerahan", tanggal(letter.delivery_deadline)),
                ],
                45 * mm,
                width,
            ),
            Spacer(1, 3 * mm),
            Paragraph("<b>Ketentuan:</b>", BODY),
            Paragraph(text(letter.terms).replace("\n", "<br/>"), JUSTIFIED),
        ]
        if letter.reason:
            story += [
                Spacer(1, 2 * mm),
                Paragraph(f"<b>Alasan adendum:</b> {text(letter.reason)}", JUSTIFIED),
            ]
        story += [
            Spacer(1, 5 * mm),
            Paragraph(
                f"{text(letter.letterhead.city)}, {tanggal(letter.letter_date)}",
                ParagraphStyle("place", parent=BODY, alignment=TA_RIGHT),
            ),
            signatures(
                ("Menerima dan menyetujui,", f"Penyedia<br/>{text(letter.vendor_name)}", ""),
                ("Pemesan,", "Pejabat Pembuat Komitmen", text(letter.signatory)),
                width,
            ),
        ]
        return build(
            story,
            title=f"{heading} {letter.number}",
            subject=letter.package_title,
            day=letter.letter_date,
            footer=f"Surat Pesanan {letter.number} versi {letter.version}",
        )
