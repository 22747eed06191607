"""The Surat Pesanan as a PDF (ReportLab), in the layout of an Indonesian government letter:
the work unit's letterhead (kop surat) over a double rule, the title and number, the parties,
the item table with the total in figures and in words (*terbilang*), the delivery and the
terms, the place and date, and the two signature blocks. The layout is shared
(``epurchasing_shared.letters_pdf``, drawn on the canvas directly); this module says what a
Surat Pesanan says.

Deterministic: ReportLab's invariant mode with the creation date set to the letter's date, the
PDF's ID a digest of that, core fonts only (nothing embedded, nothing read from the host), so
the same letter always gives the same bytes (and the same SHA-256).
"""

from reportlab.lib.units import mm

from epurchasing_shared.letters_pdf import CENTRE, JUSTIFIED, PLACE, TITLE, Letter, text
from epurchasing_shared.terbilang import tanggal
from ordering.application.letters import PurchaseOrderLetter


class PdfLetters:
    """The ordering service's :class:`~ordering.application.letters.LetterRenderer`."""

    def purchase_order(self, letter: PurchaseOrderLetter) -> bytes:
        if letter.is_addendum:
            heading = f"ADENDUM KE-{letter.version - 1} SURAT PESANAN (SP)"
        else:
            heading = "SURAT PESANAN (SP)"
        pdf = Letter(
            title=f"{heading} {letter.number}",
            subject=letter.package_title,
            day=letter.letter_date,
            footer=f"Surat Pesanan {letter.number} versi {letter.version}",
        )
        pdf.letterhead(letter.letterhead)
        pdf.paragraph(f"<u>{heading}</u>", TITLE)
        pdf.paragraph(f"Nomor: {text(letter.number)}", CENTRE)
        if letter.is_addendum:
            pdf.paragraph(
                f"(versi {letter.version}; Surat Pesanan tanggal {tanggal(letter.order_date)})",
                CENTRE,
            )
        pdf.space(5 * mm)
        pdf.paragraph("Yang bertanda tangan di bawah ini:")
        pdf.space(1 * mm)
        pdf.fields(
            [
                ("Nama", text(letter.signatory)),
                ("Jabatan", "Pejabat Pembuat Komitmen (PPK)"),
                ("Satuan Kerja", text(letter.letterhead.work_unit)),
            ],
            35 * mm,
        )
        pdf.space(1 * mm)
        pdf.paragraph("selanjutnya disebut <b>Pemesan</b>, memesan kepada:")
        pdf.space(1 * mm)
        pdf.fields([("Penyedia", f"<b>{text(letter.vendor_name)}</b>")], 35 * mm)
        pdf.space(1 * mm)
        pdf.paragraph(
            "selanjutnya disebut <b>Penyedia</b>, barang berikut melalui e-Purchasing "
            "Katalog Elektronik (mini-kompetisi):"
        )
        pdf.space(1 * mm)
        pdf.fields(
            [
                ("Paket", text(letter.package_title)),
                ("Kode RUP", text(letter.rup_code)),
                ("Tahun Anggaran", str(letter.fiscal_year)),
            ],
            35 * mm,
        )
        pdf.space(4 * mm)
        pdf.priced_items(
            letter.lines, letter.subtotal, letter.shipping_cost, letter.total, letter.total_words
        )
        pdf.space(3 * mm)
        pdf.fields(
            [
                ("Alamat pengiriman", text(letter.delivery_address)),
                ("Batas waktu penyerahan", tanggal(letter.delivery_deadline)),
            ],
            45 * mm,
        )
        pdf.space(3 * mm)
        pdf.paragraph("<b>Ketentuan:</b>")
        pdf.paragraph(text(letter.terms).replace("\n", "<br/>"), JUSTIFIED)
        if letter.reason:
            pdf.space(2 * mm)
            pdf.paragraph(f"<b>Alasan adendum:</b> {text(letter.reason)}", JUSTIFIED)
        pdf.space(5 * mm)
        pdf.paragraph(f"{text(letter.letterhead.city)}, {tanggal(letter.letter_date)}", PLACE)
        pdf.signatures(
            ("Menerima dan menyetujui,", f"Penyedia<br/>{text(letter.vendor_name)}", ""),
            ("Pemesan,", "Pejabat Pembuat Komitmen", text(letter.signatory)),
        )
        return pdf.pdf()
