"""The vendor's e-mail of step 15: Indonesian with an English line, and the package summary."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

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


@dataclass
class VendorEmail:
    """The package's e-mail to its vendor in the mail outbox (one per package)."""

    package_id: UUID
    procurement_id: UUID
    message_id: str
    causation_id: str | None
    recipient: str | None
    subject: str
    body: str
    next_attempt_at: datetime
    created_at: datetime
    # pending -> sending (claimed, committed before SMTP) -> sent | pending (retry) | failed;
    # sending past its lease, or an SMTP outcome that is unknown -> unconfirmed (operator).
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
