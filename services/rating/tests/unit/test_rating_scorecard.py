"""Scorecard arithmetic and the once-per-crossing review flag."""

from decimal import Decimal
from fractions import Fraction

from rating.domain.scheme import WeightedResult
from rating.domain.scorecard import RatedPackage, ReviewPolicy, build_scorecard


def rated(ppk: str, points: int, total: int = 100) -> RatedPackage:
    return RatedPackage(ppk, WeightedResult(points, total))


class TestBuildScorecard:
    def test_no_ratings_has_no_average(self):
        card = build_scorecard([], package_count=2, on_time_package_count=1)
        assert card.weighted_average is None
        assert (card.rating_count, card.rating_ppk_count, card.package_count) == (0, 0, 2)

    def test_average_is_the_mean_of_weighted_results(self):
        card = build_scorecard(
            [rated("ppk-1", 230), rated("ppk-2", 300), rated("ppk-1", 150)], 4, 3
        )
        assert card.exact_average == Fraction(680, 300)
        assert card.weighted_average == Decimal("2.27")
        assert card.rating_count == 3
        assert card.rating_ppk_count == 2
        assert (card.package_count, card.on_time_package_count) == (4, 3)

    def test_mixed_weight_totals_are_averaged_per_rating(self):
        card = build_scorecard([rated("a", 2, 1), rated("b", 230, 100)], 2, 2)
        assert card.exact_average == (Fraction(2) + Fraction(23, 10)) / 2


class TestReviewPolicy:
    policy = ReviewPolicy(threshold=Decimal("2.00"), minimum_ratings=3)

    def card(self, *points: int):
        return build_scorecard([rated(f"p{i}", p) for i, p in enumerate(points)], len(points), 0)

    def test_not_below_under_the_minimum_count(self):
        assert not self.policy.is_below(self.card(100, 100))

    def test_below_when_strictly_under_the_threshold_at_the_minimum_count(self):
        assert self.policy.is_below(self.card(100, 100, 300))  # 1.67
        assert not self.policy.is_below(self.card(100, 200, 300))  # exactly 2.00

    def test_exact_comparison_is_not_fooled_by_display_rounding(self):
        # 599/300 = 1.9966… shows as "2.00" yet is below the threshold
        card = self.card(199, 200, 200)
        assert card.weighted_average == Decimal("2.00")
        assert self.policy.is_below(card)

    def test_flags_only_on_the_crossing(self):
        below = self.card(100, 100, 100)
        assert self.policy.crosses_below(False, below)
        assert not self.policy.crosses_below(True, below)
        assert not self.policy.crosses_below(False, self.card(300, 300, 300))
