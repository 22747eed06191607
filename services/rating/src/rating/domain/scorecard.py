"""The public vendor scorecard and the review-flag rule.

- The weighted average is the plain mean of the ratings' weighted results, computed exactly
  (fractions) and shown with two places, half up.
- Packages counts every completed package of the vendor known here, rated or not yet.
- Review flag: a vendor is *below* when it has at least ``minimum_ratings`` ratings and its
  exact average is strictly below ``threshold``. The flag event is raised only when a rating
  moves the vendor from not-below to below (a crossing); further low ratings raise nothing
  while it stays below; once the average is back at or above the threshold, a later fall
  raises the event again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from rating.domain.scheme import WeightedResult, to_two_places


@dataclass(frozen=True)
class RatedPackage:
    ppk_id: str
    result: WeightedResult


@dataclass(frozen=True)
class Scorecard:
    rating_count: int
    rating_ppk_count: int
    package_count: int
    on_time_package_count: int
    exact_average: Fraction | None

    @property
    def weighted_average(self) -> Decimal | None:
        return None if self.exact_average is None else to_two_places(self.exact_average)


def build_scorecard(
    rated: Iterable[RatedPackage], package_count: int, on_time_package_count: int
) -> Scorecard:
    """The scorecard from the vendor's rated packages and its package counts."""
    ratings = list(rated)
    total = sum((r.result.exact for r in ratings), Fraction(0))
    return Scorecard(
        rating_count=len(ratings),
        rating_ppk_count=len({r.ppk_id for r in ratings}),
        package_count=package_count,
        on_time_package_count=on_time_package_count,
        exact_average=total / len(ratings) if ratings else None,
    )


@dataclass(frozen=True)
class ReviewPolicy:
    threshold: Decimal
    minimum_ratings: int

    def is_below(self, card: Scorecard) -> bool:
        """Below the threshold over at least the minimum number of ratings (exact compare)."""
        return (
            card.exact_average is not None
            and card.rating_count >= self.minimum_ratings
            and card.exact_average < Fraction(self.threshold)
        )

    def crosses_below(self, was_below: bool, card: Scorecard) -> bool:
        """True only on the rating that moves the vendor from not-below to below."""
        return not was_below and self.is_below(card)
