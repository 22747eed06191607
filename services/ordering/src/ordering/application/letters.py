"""The generated Surat Pesanan: what the letter says, as plain data built from the package and
one version of its order, and how it is kept (a document of the order, its SHA-256 in the
history entry of the step that made the version: 21 or 24a).

The layout (PDF) is an adapter's (``adapters/letters_pdf.py``, behind :class:`LetterRenderer`);
nothing here knows the format. The same data always gives the same bytes (the renderer's
promise), so the SHA-256 in the history names exactly the file served.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone, tzinfo
from typing import Protocol

from epurchasing_shared.letters import Letterhead, LetterLine
from epurchasing_shared.terbilang import terbilang_rupiah
from ordering.domain.package import Package
from ordering.domain.pricing import subtotal
from ordering.domain.purchase_order import OrderVersion, PurchaseOrder

GENERATED_KIND = "purchase_order_generated"
WIB = timezone(timedelta(hours=7), "WIB")  # when no zone is configured


@dataclass(frozen=True)
class PurchaseOrderLetter:
    """One version of the Surat Pesanan (1: the order; 2, 3, ...: its addenda)."""

    letterhead: Letterhead
    number: str
    version: int
    letter_date: date
    order_date: date
    package_title: str
    rup_code: str
    fiscal_year: int
    ppk_name: str
    signatory: str
    vendor_name: str
    lines: tuple[LetterLine, ...]
    subtotal: int
    shipping_cost: int
    total: int
    total_words: str
    pagu: int
    delivery_address: str
    delivery_deadline: date
    terms: str
    reason: str | None = None

    @property
    def is_addendum(self) -> bool:
        return self.version > 1


class LetterRenderer(Protocol):
    def purchase_order(self, letter: PurchaseOrderLetter) -> bytes:
        """The letter as a PDF; the same letter always gives the same bytes."""


def purchase_order_letter(
    package: Package,
    order: PurchaseOrder,
    version: OrderVersion,
    letterhead: Letterhead,
    zone: tzinfo | None,
) -> PurchaseOrderLetter:
    """What version ``version`` of the package's order says. The letter is dated the order
    date (version 1) or the day the addendum was made (in ``zone``, the SOP's time zone)."""
    terms = version.terms
    made = version.created_at.astimezone(zone or WIB).date()
    dated = order.order_date if version.version == 1 else made
    return PurchaseOrderLetter(
        letterhead=letterhead,
        number=order.number,
        version=version.version,
        letter_date=dated,
        order_date=order.order_date,
        package_title=package.title,
        rup_code=package.rup_code,
        fiscal_year=package.fiscal_year,
        ppk_name=package.ppk.name,
        signatory=terms.signatory,
        vendor_name=package.vendor.name,
        lines=tuple(
            LetterLine(
                no=line.line_no,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                total=line.line_total,
            )
            for line in terms.lines
        ),
        subtotal=subtotal(terms.lines),
        shipping_cost=terms.shipping_cost,
        total=terms.total,
        total_words=terbilang_rupiah(terms.total),
        pagu=package.pagu,
        delivery_address=package.delivery_address,
        delivery_deadline=terms.delivery_deadline,
        terms=terms.terms,
        reason=version.reason,
    )


def letter_filename(number: str, version: int) -> str:
    """``surat-pesanan-SP-dinkes-2026-0001-v1.pdf``: the number made safe, and the version."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", number).strip("-") or "order"
    return f"surat-pesanan-{safe}-v{version}.pdf"
