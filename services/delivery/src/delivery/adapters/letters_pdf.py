"""The BAP and the BAST as PDFs (ReportLab), in the layout of an Indonesian government letter:
the work unit's letterhead (kop surat) over a double rule, the title and number, the day and
the parties, the item table with the total in figures and in words (*terbilang*), the result,
the place and date, and the two signature blocks. The layout helpers are shared
(``epurchasing_shared.letters_pdf``, drawn on the canvas directly); this module says what a
BAP and a BAST say.

Deterministic: ReportLab's invariant mode with the creation date set to the letter's date, the
PDF's ID a digest of that, core fonts only (nothing embedded, nothing read from the host), so
the same letter always gives the same bytes (and the same SHA-256).
"""

from reportlab.lib.units import mm

from delivery.application.letters import ReceiptLetter
from epurchasing_shared.letters_pdf import CENTRE, JUSTIFIED, PLACE, TITLE, Letter, text
from epurchasing_shared.terbilang import hari, tanggal


class PdfLetters:
    """The delivery service's :class:`~delivery.application.letters.LetterRenderer`."""

    def receipt(self, letter: ReceiptLetter) -> bytes:
        day = f"{hari(letter.letter_date)}, tanggal {tanggal(letter.letter_date)}"
        order = (
            f"Surat Pesanan Nomor <b>{text(letter.order_number)}</b> tanggal "
            f"{tanggal(letter.order_date)}"
            + (f" (adendum, versi {letter.order_version})" if letter.order_version > 1 else "")
        )
        ppk = [
            ("Nama", f"<b>{text(letter.ppk_name)}</b>"),
            ("Jabatan", "Pejabat Pembuat Komitmen (PPK)"),
            ("Satuan Kerja", text(letter.letterhead.work_unit)),
        ]
        vendor = [("Nama Penyedia", f"<b>{text(letter.vendor_name)}</b>")]
        pdf = Letter(
            title=f"{letter.title} {letter.number}",
            subject=f"Surat Pesanan {letter.order_number}",
            day=letter.letter_date,
            footer=f"{letter.title.title()} {letter.number}",
        )
        pdf.letterhead(letter.letterhead)
        pdf.paragraph(f"<u>{letter.title}</u>", TITLE)
        pdf.paragraph(f"Nomor: {text(letter.number)}", CENTRE)
        pdf.space(5 * mm)
        pdf.paragraph(f"Pada hari ini {day}, yang bertanda tangan di bawah ini:", JUSTIFIED)
        pdf.space(1 * mm)
        if letter.kind == "bap":
            pdf.fields(ppk, 35 * mm)
            pdf.space(1 * mm)
            pdf.paragraph("telah melakukan pemeriksaan atas barang yang dikirim oleh:", JUSTIFIED)
            pdf.space(1 * mm)
            pdf.fields(vendor, 35 * mm)
            pdf.space(1 * mm)
            pdf.paragraph(
                f"berdasarkan {order}, dengan hasil pemeriksaan sebagai berikut:", JUSTIFIED
            )
        else:
            pdf.fields(vendor, 35 * mm)
            pdf.paragraph("selanjutnya disebut <b>PIHAK PERTAMA</b>, dan", JUSTIFIED)
            pdf.space(1 * mm)
            pdf.fields(ppk, 35 * mm)
            pdf.paragraph("selanjutnya disebut <b>PIHAK KEDUA</b>.", JUSTIFIED)
            pdf.space(2 * mm)
            pdf.paragraph(
                f"PIHAK PERTAMA menyerahkan kepada PIHAK KEDUA, dan PIHAK KEDUA menerima "
                f"dari PIHAK PERTAMA, barang berdasarkan {order}"
                + (
                    f" yang telah diperiksa pada tanggal {tanggal(letter.inspected_on)}"
                    if letter.inspected_on
                    else ""
                )
                + ", sebagai berikut:",
                JUSTIFIED,
            )
        pdf.space(3 * mm)
        pdf.priced_items(
            letter.lines, letter.subtotal, letter.shipping_cost, letter.total, letter.total_words
        )
        pdf.space(3 * mm)
        facts = [("Lokasi", text(letter.delivery_address))]
        if letter.delivered_on:
            facts.append(("Tanggal diterima", tanggal(letter.delivered_on)))
        if letter.note:
            facts.append(("Catatan", text(letter.note)))
        pdf.fields(facts, 35 * mm)
        pdf.space(3 * mm)
        if letter.kind == "bap":
            closing = (
                "Barang tersebut telah diperiksa jumlah dan kondisinya dan dinyatakan sesuai "
                "dengan Surat Pesanan. Demikian Berita Acara Pemeriksaan ini dibuat untuk "
                "dipergunakan sebagaimana mestinya."
            )
            left = ("Penyedia,", text(letter.vendor_name), "")
            right = ("Pejabat Pembuat Komitmen,", text(letter.letterhead.work_unit), "")
        else:
            closing = (
                "Sejak penandatanganan Berita Acara ini, barang tersebut menjadi tanggung jawab "
                "PIHAK KEDUA. Demikian Berita Acara Serah Terima ini dibuat untuk dipergunakan "
                "sebagaimana mestinya."
            )
            left = ("Yang menyerahkan,", "PIHAK PERTAMA<br/>" + text(letter.vendor_name), "")
            right = ("Yang menerima,", "PIHAK KEDUA<br/>Pejabat Pembuat Komitmen", "")
        pdf.paragraph(closing, JUSTIFIED)
        pdf.space(5 * mm)
        pdf.paragraph(f"{text(letter.letterhead.city)}, {tanggal(letter.letter_date)}", PLACE)
        pdf.signatures(left, (right[0], right[1], text(letter.ppk_name)))
        return pdf.pdf()
