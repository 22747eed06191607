"""The generated BAP (*Berita Acara Pemeriksaan*, inspection) and BAST (*Berita Acara Serah
Terima*, handover) of step 26: what each letter says, as plain data built from the fulfilment,
and how it is kept (a document of the fulfilment, generated in the step's own transaction, its
SHA-256 in the step's history entry beside the PPK's signed scan).

The layout (PDF) is an adapter's (``adapters/letters_pdf.py``, behind :class:`LetterRenderer`);
the same letter always gives the same bytes, so the SHA-256 names exactly the file served.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from delivery.domain.fulfilment import Fulfilment
from epurchasing_shared.letters import Letterhead, LetterLine
from epurchasing_shared.terbilang import terbilang_rupiah

Kind = Literal["bap", "bast"]
GENERATED_KIND: dict[Kind, str] = {"bap": "bap_generated", "bast": "bast_generated"}
TITLES: dict[Kind, str] = {
    "bap": "BERITA ACARA PEMERIKSAAN BARANG",
    "bast": "BERITA ACARA SERAH TERIMA BARANG",
}


@dataclass(frozen=True)
class ReceiptLetter:
    """A BAP or a BAST: the order it receives goods under, the parties, what was received."""

    kind: Kind
    letterhead: Letterhead
    number: str
    letter_date: date
    order_number: str
    order_version: int
    order_date: date
    ppk_name: str
    vendor_name: str
    lines: tuple[LetterLine, ...]
    subtotal: int
    shipping_cost: int
    total: int
    total_words: str
    delivery_address: str
    delivered_on: date | None
    note: str | None
    inspected_on: date | None = None  # the BAP's date, named in the BAST

    @property
    def title(self) -> str:
        return TITLES[self.kind]


class LetterRenderer(Protocol):
    def receipt(self, letter: ReceiptLetter) -> bytes:
        """The letter as a PDF; the same letter always gives the same bytes."""


def letter_number(kind: Kind, order_number: str) -> str:
    """The BAP/BAST number, from the order's: ``BAP/SP/dinkes/2026/0001``."""
    return f"{kind.upper()}/{order_number}"


def _line(raw: Mapping[str, Any]) -> LetterLine:
    quantity, price = int(raw["quantity"]), int(raw["unit_price"])
    return LetterLine(
        no=int(raw["line_no"]),
        description=str(raw["description"]),
        quantity=quantity,
        unit=str(raw["unit"]),
        unit_price=price,
        total=quantity * price,
    )


def receipt_letter(
    kind: Kind,
    fulfilment: Fulfilment,
    letterhead: Letterhead,
    *,
    day: date,
    delivered_on: date | None,
    note: str | None,
    inspected_on: date | None = None,
) -> ReceiptLetter:
    """The BAP (``kind="bap"``) or BAST of the fulfilment, dated ``day`` (the step's local
    date), for the order version it follows (addenda included)."""
    order = fulfilment.order
    lines = tuple(_line(raw) for raw in order.lines)
    return ReceiptLetter(
        kind=kind,
        letterhead=letterhead,
        number=letter_number(kind, fulfilment.order_number),
        letter_date=day,
        order_number=fulfilment.order_number,
        order_version=order.version,
        order_date=fulfilment.order_date,
        ppk_name=fulfilment.ppk_name,
        vendor_name=fulfilment.vendor_name,
        lines=lines,
        subtotal=sum(line.total for line in lines),
        shipping_cost=order.shipping_cost,
        total=order.total,
        total_words=terbilang_rupiah(order.total),
        delivery_address=fulfilment.delivery_address,
        delivered_on=delivered_on,
        note=note,
        inspected_on=inspected_on,
    )


def letter_filename(kind: Kind, order_number: str) -> str:
    """``bap-SP-dinkes-2026-0001.pdf``."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", order_number).strip("-") or "order"
    return f"{kind}-{safe}.pdf"
