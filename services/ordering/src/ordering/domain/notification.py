"""What ordering's e-mails say (Indonesian with an English line): the vendor's e-mail of step
15 with the package summary, and the wording of the "your turn" e-mails of the hand-offs and
the overdue reminders (their template and builder are shared:
``epurchasing_shared.mail.notices``). The mail outbox and its sender are shared
(``epurchasing_shared.mail``)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from epurchasing_shared.mail.notices import Bilingual, Facts
from ordering.domain.package import Package
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


# The hand-offs that e-mail the next actor (the step the actor must do next): a proposal
# awaits the vendor's answer (17), the package awaits the PPK's review (20), the purchase order
# awaits the vendor's acknowledgement (22). Step 15's e-mail is the package_processed one.
YOUR_TURN: dict[str, Bilingual] = {
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

# How a reminder names the overdue step: by the package, whatever the step.
THIS_PACKAGE: Bilingual = ("untuk paket ini", "of this package")


def facts(package: Package) -> Facts:
    """What a "your turn" e-mail or a reminder about the package lists, its title first."""
    return (
        ("Paket", package.title),
        ("Kode RUP", package.rup_code),
        ("Satuan kerja", package.work_unit),
    )
