"""What ordering's e-mails say (Indonesian with an English line): the vendor's e-mail of step
15 with the package summary, the "your turn" e-mails of the hand-offs and the overdue
reminders. The mail outbox and its sender are shared (``epurchasing_shared.mail``)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ordering.domain.pricing import Line, total


@dataclass(frozen=True)
class PackageSummary:
    title: str
    rup_code: str
    work_unit: str
    vendor_name: str
    lines: Sequence[Line]
    shipping_cost: int
    delivery_address: str
    delivery_deadline: date


def rupiah(amount: int) -> str:
    """Rp1.250.000 (Indonesian thousands separator)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def vendor_email(summary: PackageSummary, link: str) -> tuple[str, str]:
    """Subject and plain-text body of the notification to the vendor."""
    subject = f"Paket e-Purchasing baru: {summary.title} (new e-purchasing package)"
    items = "\n".join(
        f"  {line.line_no}. {line.description}: {line.quantity} {line.unit} x "
        f"{rupiah(line.unit_price)} = {rupiah(line.line_total)}"
        for line in summary.lines
    )
    body = (
        f"Yth. {summary.vendor_name},\n\n"
        f"Pejabat Pengadaan {summary.work_unit} telah memproses paket e-purchasing berikut "
        "untuk Anda. Silakan masuk dan tinjau permintaan pembelian ini.\n"
        "English: a procurement official has processed an e-purchasing package for you; "
        "please log in and review the purchase request.\n\n"
        f"Paket: {summary.title}\n"
        f"Kode RUP: {summary.rup_code}\n"
        f"Barang:\n{items}\n"
        f"Ongkos kirim: {rupiah(summary.shipping_cost)}\n"
        f"Total: {rupiah(total(summary.lines, summary.shipping_cost))}\n"
        f"Alamat pengiriman: {summary.delivery_address}\n"
        f"Batas waktu pengiriman: {summary.delivery_deadline.isoformat()}\n\n"
        f"Tautan / link: {link}\n"
    )
    return subject, body


@dataclass(frozen=True)
class TurnNotice:
    """What a "your turn" e-mail or an overdue reminder is about."""

    title: str
    rup_code: str
    work_unit: str
    addressee: str
    sop_step: str
    due_at: datetime


# The hand-offs that e-mail the next actor (the step the actor must do next): a proposal
# awaits the vendor's answer (17), the package awaits the PPK's review (20), the purchase order
# awaits the vendor's acknowledgement (22). Step 15's e-mail is the package_processed one.
YOUR_TURN = {
    "17": (
        "Usulan harga negosiasi menunggu jawaban Anda",
        "a price proposal awaits your answer",
    ),
    "20": (
        "Paket e-purchasing menunggu reviu PPK",
        "an e-purchasing package awaits your review",
    ),
    "22": (
        "Surat Pesanan menunggu konfirmasi Anda",
        "a purchase order awaits your acknowledgement",
    ),
}


def _due(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def your_turn_email(notice: TurnNotice, link: str) -> tuple[str, str]:
    """Subject and body of a hand-off e-mail (Indonesian, with an English line)."""
    indonesian, english = YOUR_TURN[notice.sop_step]
    subject = f"{indonesian}: {notice.title} ({english})"
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"{indonesian} (langkah {notice.sop_step} SOP), paling lambat {_due(notice.due_at)}.\n"
        f"English: {english} (SOP step {notice.sop_step}), due {_due(notice.due_at)}.\n\n"
        f"Paket: {notice.title}\nKode RUP: {notice.rup_code}\nSatuan kerja: {notice.work_unit}\n\n"
        f"Tautan / link: {link}\n"
    )
    return subject, body


def overdue_reminder_email(
    notice: TurnNotice, link: str, consequence: str | None
) -> tuple[str, str]:
    """Subject and body of the reminder sent when a turn becomes overdue; ``consequence``:
    what the service did about it (e.g. the package cancelled), in Indonesian and English."""
    subject = (
        f"Pengingat: langkah {notice.sop_step} melewati batas waktu: {notice.title} "
        f"(reminder: step {notice.sop_step} is overdue)"
    )
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"Langkah {notice.sop_step} SOP untuk paket ini belum dikerjakan dan telah melewati "
        f"batas waktunya ({_due(notice.due_at)}).\n"
        f"English: SOP step {notice.sop_step} of this package is past its due time "
        f"({_due(notice.due_at)}).\n"
        + (f"\n{consequence}\n" if consequence else "")
        + f"\nPaket: {notice.title}\nKode RUP: {notice.rup_code}\n"
        f"Satuan kerja: {notice.work_unit}\n\nTautan / link: {link}\n"
    )
    return subject, body
