"""Negotiation rules: the vendor's price only goes down (offer, then counters); the official may
meet the vendor half-way; floors of Rp1 (products) and Rp0 (shipping)."""

import pytest

from epurchasing_shared.kernel.errors import RuleViolation
from ordering.domain.negotiation import (
    NegotiationRound,
    PriceSet,
    RoundStatus,
    check_counter,
    check_proposal,
    counter_to_accept,
    vendor_price,
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

    def test_without_a_counter_the_ceiling_stays_the_offer(self):
        rounds = [NegotiationRound(1, prices(9_000_000, 2_500_000, 0), RoundStatus.REJECTED)]
        ceiling = vendor_price(OFFERED, rounds)
        assert ceiling == OFFERED
        # above the official's own proposal but not above the offer: allowed
        check_proposal(LINES, ceiling, prices(9_500_000, 2_500_000, 0))
        with pytest.raises(RuleViolation, match="Rp10000001"):
            check_proposal(LINES, ceiling, prices(10_000_001, 2_500_000, 0))

    def test_the_official_may_meet_the_vendor_half_way(self):
        """Proposed 8.900.000, countered 8.950.000: 8.920.000 is allowed, 8.960.000 is not."""
        counter = prices(8_950_000, 2_500_000, 0)
        rounds = [
            NegotiationRound(1, prices(8_900_000, 2_500_000, 0), RoundStatus.REJECTED, counter)
        ]
        ceiling = vendor_price(OFFERED, rounds)
        assert ceiling == counter
        check_proposal(LINES, ceiling, prices(8_920_000, 2_500_000, 0))
        check_proposal(LINES, ceiling, prices(8_950_000, 2_500_000, 0))
        with pytest.raises(RuleViolation) as refused:
            check_proposal(LINES, ceiling, prices(8_960_000, 2_500_000, 0))
        assert refused.value.errors[0]["field"] == "prices"
        assert "Rp8950000" in refused.value.errors[0]["message_id"]

    def test_the_last_counter_counts_not_an_older_one(self):
        rounds = [
            NegotiationRound(1, prices(8, 8, 0), RoundStatus.REJECTED, prices(9_500_000, 3, 10)),
            NegotiationRound(2, prices(9, 2, 0), RoundStatus.REJECTED, prices(9_200_000, 2, 5)),
            NegotiationRound(3, prices(9, 2, 0), RoundStatus.REJECTED),  # no counter
        ]
        assert vendor_price(OFFERED, rounds) == prices(9_200_000, 2, 5)


class TestCounter:
    def test_counter_may_not_exceed_the_prices_before_the_round(self):
        check_counter(LINES, OFFERED, prices(9_800_000, 3_000_000, 500_000))
        with pytest.raises(RuleViolation, match="counter"):
            check_counter(LINES, OFFERED, prices(10_500_000, 3_000_000, 500_000))

    def test_a_counter_is_at_most_the_vendors_own_previous_counter(self):
        first = prices(8_950_000, 3_000_000, 500_000)
        rounds = [NegotiationRound(1, prices(8_900_000, 3, 0), RoundStatus.REJECTED, first)]
        ceiling = vendor_price(OFFERED, rounds)
        check_counter(LINES, ceiling, prices(8_940_000, 3_000_000, 500_000))
        with pytest.raises(RuleViolation) as refused:
            check_counter(LINES, ceiling, prices(9_000_000, 3_000_000, 500_000))
        assert refused.value.errors[0]["field"] == "counter_prices"
        with pytest.raises(RuleViolation) as shipping:
            check_counter(LINES, ceiling, prices(8_900_000, 3_000_000, 500_001))
        assert shipping.value.errors[0]["field"] == "counter_shipping_cost"

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
