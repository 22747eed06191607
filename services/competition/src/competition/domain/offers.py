"""Offers (SOP step 10): checked against the catalogue price, the competed product and the pagu."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from competition.domain.competition import Competition
from competition.domain.errors import RuleViolation


@dataclass(frozen=True)
class CatalogueProduct:
    id: UUID
    vendor_id: UUID
    category: str
    name: str
    unit: str
    unit_price: int  # the listed unit price: the ceiling of any offer (LKPP)


@dataclass(frozen=True)
class OfferLine:
    line_no: int
    product_id: UUID
    unit_price: int


@dataclass(frozen=True)
class OfferTerms:
    """What a vendor proposes; the latest revision of it is what counts."""

    lines: tuple[OfferLine, ...]
    shipping_cost: int
    delivery_days: int


@dataclass(frozen=True)
class Offer:
    id: UUID
    competition_id: UUID
    vendor_id: UUID
    terms: OfferTerms
    revision: int
    submitted_at: datetime  # of the latest revision
    withdrawn: bool = False


def same_product(a_name: str, b_name: str) -> bool:
    """Two vendors' listings are the same product when their names match, case and spaces aside."""
    return " ".join(a_name.lower().split()) == " ".join(b_name.lower().split())


def product_fits(competition: Competition, product: CatalogueProduct) -> bool:
    """A product may be offered in (and makes its vendor eligible for) this competition."""
    if product.category != competition.category:
        return False
    if competition.kind == "product":
        return competition.product_name is not None and same_product(
            product.name, competition.product_name
        )
    return True


def evaluated_price(competition: Competition, terms: OfferTerms) -> int:
    """Σ(unit price × quantity) + shipping: what offers are ranked by (LKPP v5)."""
    quantities = {item.line_no: item.quantity for item in competition.items}
    subtotal = sum(line.unit_price * quantities.get(line.line_no, 0) for line in terms.lines)
    return subtotal + terms.shipping_cost


def check_offer(
    competition: Competition,
    vendor_id: UUID,
    terms: OfferTerms,
    products: Mapping[UUID, CatalogueProduct],
) -> int:
    """Every rule of an offer's content; returns its evaluated price or raises RuleViolation."""
    errors = _line_errors(competition, vendor_id, terms, products)
    if terms.shipping_cost < 0:
        errors.append(
            (
                "shipping_cost",
                "the shipping cost cannot be negative",
                "ongkos kirim tidak boleh negatif",
            )
        )
    if terms.delivery_days < 1:
        errors.append(
            ("delivery_days", "delivery takes at least one day", "pengiriman minimal satu hari")
        )
    if errors:
        raise RuleViolation(errors)
    total = evaluated_price(competition, terms)
    if total > competition.pagu:
        raise RuleViolation.one(
            "lines",
            f"the offer total Rp{total} is over the pagu Rp{competition.pagu}",
            f"total penawaran Rp{total} melebihi pagu Rp{competition.pagu}",
        )
    return total


def _line_errors(
    competition: Competition,
    vendor_id: UUID,
    terms: OfferTerms,
    products: Mapping[UUID, CatalogueProduct],
) -> list[tuple[str, str, str]]:
    errors: list[tuple[str, str, str]] = []
    wanted = {item.line_no for item in competition.items}
    offered = [line.line_no for line in terms.lines]
    if sorted(offered) != sorted(wanted):
        errors.append(
            (
                "lines",
                f"offer every item exactly once: lines {sorted(wanted)}",
                f"tawarkan setiap barang tepat satu kali: baris {sorted(wanted)}",
            )
        )
    for index, line in enumerate(terms.lines):
        where = f"lines.{index}"
        product = products.get(line.product_id)
        if product is None or product.vendor_id != vendor_id:
            errors.append(
                (
                    f"{where}.product_id",
                    "not a catalogue product of this vendor",
                    "bukan produk katalog penyedia ini",
                )
            )
        elif not product_fits(competition, product):
            errors.append(
                (
                    f"{where}.product_id",
                    "the product does not match the competition",
                    "produk tidak sesuai dengan kompetisi",
                )
            )
        elif line.unit_price > product.unit_price:
            errors.append(
                (
                    f"{where}.unit_price",
                    f"Rp{line.unit_price} is above the listed catalogue price "
                    f"Rp{product.unit_price}",
                    f"Rp{line.unit_price} melebihi harga katalog Rp{product.unit_price}",
                )
            )
        if line.unit_price < 1:
            errors.append(
                (
                    f"{where}.unit_price",
                    "the unit price must be at least Rp1",
                    "harga satuan minimal Rp1",
                )
            )
    return errors
