"""Negotiation rules: prices only go down, floors of Rp1 (products) and Rp0 (shipping)."""

import pytest

from epurchasing_shared.kernel.errors import RuleViolation
from ordering.domain.negotiation import (
    NegotiationRound,
    PriceSet,
    RoundStatus,
    check_counter,
    check_proposal,
    counter_to_accept,
    standing_prices,
)
from ordering.domain.pricing import Line, total, with_prices

LINES = (Line(1, "Laptop", 10, "unit", 10_000_000), Line(2, "Printer", 2, "unit", 3_000_000))
OFFERED = PriceSet.of_lines(LINES, 500_000)


def prices(laptop: int, printer: int, shipping: int) -> PriceSet:
    return PriceSet({1: laptop, 2: printer}, shipping)


class TestProposal:
    def test_accepts_equal_or_lower_prices(self):
        check_proposal(LINES, OFFERED, prices(10_000_000, 2_000_000, 0))

    def test_rejects_a_price_above_the_previous_with_both_numbers(self):
        with pytest.raises(RuleViolation, match=r"line 1: .*Rp10000001.*Rp10000000"):
            check_proposal(LINES, OFFERED, prices(10_000_001, 3_000_000, 500_000))

    def test_rejects_shipping_above_the_previous(self):
        with pytest.raises(RuleViolation, match="Rp600000"):
            check_proposal(LINES, OFFERED, prices(10_000_000, 3_000_000, 600_000))

    def test_unit_price_floor_is_one_rupiah(self):
        check_proposal(LINES, OFFERED, prices(1, 1, 0))
        with pytest.raises(RuleViolation, match="Rp1"):
            check_proposal(LINES, OFFERED, prices(0, 1, 0))

    def test_shipping_may_not_be_negative(self):
        with pytest.raises(RuleViolation, match="shipping"):
            check_proposal(LINES, OFFERED, prices(1, 1, -1))

    def test_every_line_needs_a_price_and_no_unknown_line(self):
        with pytest.raises(RuleViolation, match="missing"):
            check_proposal(LINES, OFFERED, PriceSet({1: 9_000_000}, 0))
        with pytest.raises(RuleViolation, match="no line"):
            check_proposal(LINES, OFFERED, PriceSet({1: 1, 2: 1, 3: 1}, 0))

    def test_the_previous_price_is_the_last_proposal(self):
        rounds = [NegotiationRound(1, prices(9_000_000, 2_500_000, 0), RoundStatus.REJECTED)]
        previous = standing_prices(OFFERED, rounds)
        with pytest.raises(RuleViolation, match="Rp9000000"):
            check_proposal(LINES, previous, prices(9_500_000, 2_500_000, 0))


class TestCounter:
    def test_counter_may_not_exceed_the_prices_before_the_round(self):
        check_counter(LINES, OFFERED, prices(9_800_000, 3_000_000, 500_000))
        with pytest.raises(RuleViolation, match="counter"):
            check_counter(LINES, OFFERED, prices(10_500_000, 3_000_000, 500_000))

    def test_only_the_last_rejection_with_counter_prices_can_be_accepted(self):
        counter = prices(9_800_000, 3_000_000, 0)
        rounds = [NegotiationRound(1, prices(9, 9, 0), RoundStatus.REJECTED, counter)]
        assert counter_to_accept(rounds) == counter
        with pytest.raises(RuleViolation):
            counter_to_accept([NegotiationRound(1, prices(9, 9, 0), RoundStatus.REJECTED)])
        with pytest.raises(RuleViolation):
            counter_to_accept([])


class TestAgreedTotals:
    def test_total_is_lines_times_agreed_prices_plus_shipping(self):
        agreed = with_prices(LINES, {1: 9_000_000})
        assert total(agreed, 100_000) == 90_000_000 + 6_000_000 + 100_000
