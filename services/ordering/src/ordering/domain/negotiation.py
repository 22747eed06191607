"""Price negotiation (SOP step 17) rules, after LKPP's negotiation guide.

The vendor's price only goes down: its offer, then each counter-offer, is a ceiling for what
follows. The official may propose any price up to the vendor's last price (its offer, or its
last counter-offer), so an official who proposed Rp8.900.000 and got a counter of Rp8.950.000
may meet half-way at Rp8.920.000. A vendor's counter is at most its own previous price (its
offer or its last counter). A product's unit price stays ≥ Rp1; shipping may reach Rp0.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from epurchasing_shared.kernel.errors import RuleViolation
from ordering.domain.pricing import Line

MIN_UNIT_PRICE = 1
MIN_SHIPPING = 0


@dataclass(frozen=True)
class PriceSet:
    """Unit prices by line number, and the shipping cost (*ongkos kirim*)."""

    prices: Mapping[int, int]
    shipping_cost: int

    @classmethod
    def of_lines(cls, lines: Sequence[Line], shipping_cost: int) -> "PriceSet":
        return cls({line.line_no: line.unit_price for line in lines}, shipping_cost)


class RoundStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    COUNTER_ACCEPTED = "counter_accepted"


@dataclass(frozen=True)
class NegotiationRound:
    """One round: the official's proposal and, once answered, the vendor's answer."""

    number: int
    proposal: PriceSet
    status: RoundStatus
    counter: PriceSet | None = None
    proposed_by: str = ""
    proposed_at: datetime | None = None
    note: str | None = None
    answered_by: str | None = None
    answered_at: datetime | None = None
    answer_reason: str | None = None


def vendor_price(offered: PriceSet, rounds: Sequence[NegotiationRound]) -> PriceSet:
    """The vendor's last price: its last counter-offer in ``rounds``, or its offer."""
    for answered in reversed(rounds):
        if answered.counter is not None:
            return answered.counter
    return offered


def _check_covers_lines(lines: Sequence[Line], prices: PriceSet, field: str) -> None:
    expected = {line.line_no for line in lines}
    given = set(prices.prices)
    if unknown := sorted(given - expected):
        raise RuleViolation.one(
            field,
            f"the package has no line(s) {unknown}",
            f"paket tidak memiliki baris {unknown}",
        )
    if missing := sorted(expected - given):
        raise RuleViolation.one(
            field,
            f"a price is needed for every line; missing line(s) {missing}",
            f"setiap baris harus diberi harga; baris {missing} belum diberi harga",
        )


def _check_floors(prices: PriceSet, field: str, shipping_field: str) -> None:
    for line_no, price in sorted(prices.prices.items()):
        if price < MIN_UNIT_PRICE:
            raise RuleViolation.one(
                field,
                f"line {line_no}: unit price Rp{price} is below the minimum of Rp{MIN_UNIT_PRICE}",
                f"baris {line_no}: harga satuan Rp{price} di bawah minimum Rp{MIN_UNIT_PRICE}",
            )
    if prices.shipping_cost < MIN_SHIPPING:
        raise RuleViolation.one(
            shipping_field,
            f"shipping cost Rp{prices.shipping_cost} is below Rp0",
            f"ongkos kirim Rp{prices.shipping_cost} di bawah Rp0",
        )


def _check_not_above(
    prices: PriceSet, ceiling: PriceSet, fields: tuple[str, str], what: tuple[str, str]
) -> None:
    """Nothing above the vendor's last price (``what``: English and Indonesian names)."""
    field, shipping_field = fields
    english, indonesian = what
    for line_no, price in sorted(prices.prices.items()):
        limit = ceiling.prices[line_no]
        if price > limit:
            raise RuleViolation.one(
                field,
                f"line {line_no}: {english} unit price Rp{price} is above the vendor's last "
                f"price Rp{limit}",
                f"baris {line_no}: harga satuan {indonesian} Rp{price} melebihi harga terakhir "
                f"penyedia Rp{limit}",
            )
    if prices.shipping_cost > ceiling.shipping_cost:
        raise RuleViolation.one(
            shipping_field,
            f"{english} shipping cost Rp{prices.shipping_cost} is above the vendor's last "
            f"shipping cost Rp{ceiling.shipping_cost}",
            f"ongkos kirim {indonesian} Rp{prices.shipping_cost} melebihi ongkos kirim terakhir "
            f"penyedia Rp{ceiling.shipping_cost}",
        )


def check_proposal(lines: Sequence[Line], vendor_last: PriceSet, proposal: PriceSet) -> None:
    """The official's proposal: every line priced, floors kept, nothing above the vendor's
    last price (its offer or its last counter-offer); it may be above the official's own
    previous proposal (meeting the vendor half-way)."""
    _check_covers_lines(lines, proposal, "prices")
    _check_floors(proposal, "prices", "shipping_cost")
    _check_not_above(proposal, vendor_last, ("prices", "shipping_cost"), ("proposed", "usulan"))


def check_counter(lines: Sequence[Line], vendor_last: PriceSet, counter: PriceSet) -> None:
    """The vendor's counter-prices: every line priced, floors kept, none above the vendor's
    own previous price (its offer or its last counter-offer)."""
    _check_covers_lines(lines, counter, "counter_prices")
    _check_floors(counter, "counter_prices", "counter_shipping_cost")
    _check_not_above(
        counter,
        vendor_last,
        ("counter_prices", "counter_shipping_cost"),
        ("counter", "penawaran balik"),
    )


def counter_to_accept(rounds: Sequence[NegotiationRound]) -> PriceSet:
    """The vendor's last counter-prices, which the official may accept."""
    if not rounds or rounds[-1].status != RoundStatus.REJECTED or rounds[-1].counter is None:
        raise RuleViolation.one(
            "counter_prices",
            "the vendor's last rejection carries no counter-prices to accept",
            "penolakan terakhir penyedia tidak memuat penawaran balik yang dapat diterima",
        )
    return rounds[-1].counter
