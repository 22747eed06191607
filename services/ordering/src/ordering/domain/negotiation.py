"""Price negotiation (SOP step 17) rules, after LKPP's negotiation guide.

Prices only go down: each proposal is ≤ the previous price of that item (the last proposal, or
the offered price for the first round); a product's unit price stays ≥ Rp1; shipping may reach
Rp0. A vendor's counter-prices may not exceed the prices that stood before the round.
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


def standing_prices(offered: PriceSet, rounds: Sequence[NegotiationRound]) -> PriceSet:
    """The prices on the table: the last proposal, or the offered prices before any round."""
    return rounds[-1].proposal if rounds else offered


def _check_covers_lines(lines: Sequence[Line], prices: PriceSet, field: str) -> None:
    expected = {line.line_no for line in lines}
    given = set(prices.prices)
    if unknown := sorted(given - expected):
        raise RuleViolation.one(field, f"the package has no line(s) {unknown}")
    if missing := sorted(expected - given):
        raise RuleViolation.one(
            field, f"a price is needed for every line; missing line(s) {missing}"
        )


def _check_floors(prices: PriceSet, field: str) -> None:
    for line_no, price in sorted(prices.prices.items()):
        if price < MIN_UNIT_PRICE:
            raise RuleViolation.one(
                field,
                f"line {line_no}: unit price Rp{price} is below the minimum of Rp{MIN_UNIT_PRICE}",
            )
    if prices.shipping_cost < MIN_SHIPPING:
        raise RuleViolation.one(
            "shipping_cost", f"shipping cost Rp{prices.shipping_cost} is below Rp0"
        )


def _check_not_above(prices: PriceSet, ceiling: PriceSet, field: str, what: str) -> None:
    for line_no, price in sorted(prices.prices.items()):
        limit = ceiling.prices[line_no]
        if price > limit:
            raise RuleViolation.one(
                field,
                f"line {line_no}: {what} unit price Rp{price} is above the previous price "
                f"Rp{limit}; prices may only go down",
            )
    if prices.shipping_cost > ceiling.shipping_cost:
        raise RuleViolation.one(
            "shipping_cost",
            f"{what} shipping cost Rp{prices.shipping_cost} is above the previous shipping cost "
            f"Rp{ceiling.shipping_cost}; prices may only go down",
        )


def check_proposal(lines: Sequence[Line], previous: PriceSet, proposal: PriceSet) -> None:
    """The official's proposal: every line priced, floors kept, nothing above ``previous``."""
    _check_covers_lines(lines, proposal, "prices")
    _check_floors(proposal, "prices")
    _check_not_above(proposal, previous, "prices", "proposed")


def check_counter(lines: Sequence[Line], before_round: PriceSet, counter: PriceSet) -> None:
    """The vendor's counter-prices: every line priced, floors kept, none above the prices that
    stood before the rejected round."""
    _check_covers_lines(lines, counter, "counter_prices")
    _check_floors(counter, "counter_prices")
    _check_not_above(counter, before_round, "counter_prices", "counter")


def counter_to_accept(rounds: Sequence[NegotiationRound]) -> PriceSet:
    """The vendor's last counter-prices, which the official may accept."""
    if not rounds or rounds[-1].status != RoundStatus.REJECTED or rounds[-1].counter is None:
        raise RuleViolation.one(
            "counter_prices", "the vendor's last rejection carries no counter-prices to accept"
        )
    return rounds[-1].counter
