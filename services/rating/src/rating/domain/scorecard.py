"""The public vendor scorecard and the review-flag rule.

- The weighted average is the plain mean of the ratings' weighted results, computed exactly
  (fractions) and shown with two places, half up.
- Packages counts every completed package of the vendor known here, rated or not yet.
- Criterion averages: the mean score given on each criterion (over the ratings that scored it).
- The figures are kept as running sums per vendor (:class:`VendorTally`), updated by each
  completed package and each rating; :func:`build_scorecard` is the full recomputation they
  must always equal.
- Review flag: a vendor is *below* when it has at least ``minimum_ratings`` ratings and its
  exact average is strictly below ``threshold``. The flag event is raised only when a rating
  moves the vendor from not-below to below (a crossing); further low ratings raise nothing
  while it stays below; once the average is back at or above the threshold, a later fall
  raises the event again.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from rating.domain.scheme import WeightedResult, to_two_places


@dataclass(frozen=True)
class RatedPackage:
    ppk_id: str
    result: WeightedResult
    scores: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Scorecard:
    rating_count: int
    rating_ppk_count: int
    package_count: int
    on_time_package_count: int
    exact_average: Fraction | None
    # criterion key -> (sum of the scores given on it, how many ratings scored it)
    criterion_totals: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def weighted_average(self) -> Decimal | None:
        return None if self.exact_average is None else to_two_places(self.exact_average)

    @property
    def criterion_averages(self) -> dict[str, Decimal]:
        """The mean score per criterion, two places, half up (criteria in key order)."""
        return {
            key: to_two_places(Fraction(total, count))
            for key, (total, count) in sorted(self.criterion_totals.items())
            if count
        }


def build_scorecard(
    rated: Iterable[RatedPackage], package_count: int, on_time_package_count: int
) -> Scorecard:
    """The scorecard from the vendor's rated packages and its package counts."""
    ratings = list(rated)
    total = sum((r.result.exact for r in ratings), Fraction(0))
    criteria: dict[str, tuple[int, int]] = {}
    for r in ratings:
        for key, score in r.scores.items():
            summed, count = criteria.get(key, (0, 0))
            criteria[key] = (summed + score, count + 1)
    return Scorecard(
        rating_count=len(ratings),
        rating_ppk_count=len({r.ppk_id for r in ratings}),
        package_count=package_count,
        on_time_package_count=on_time_package_count,
        exact_average=total / len(ratings) if ratings else None,
        criterion_totals=criteria,
    )


@dataclass(frozen=True)
class VendorTally:
    """The running sums of one vendor's scorecard, updated package by package and rating by
    rating (never recomputed from every rating): reading a scorecard is one row.

    ``result_sum`` is the exact sum of the ratings' weighted results (a fraction: ratings made
    under different weight totals add up exactly); ``weighted_points_sum`` and
    ``weight_total_sum`` are the plain sums of their points and weight totals.
    """

    vendor_name: str | None = None
    vendor_name_at: datetime | None = None
    package_count: int = 0
    on_time_package_count: int = 0
    rating_count: int = 0
    rating_ppk_count: int = 0
    result_sum: Fraction = Fraction(0)
    weighted_points_sum: int = 0
    weight_total_sum: int = 0
    score_sums: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def with_package(
        self, vendor_name: str, completed_at: datetime, on_time: bool
    ) -> "VendorTally":
        """One more completed package (the latest completed one names the vendor)."""
        newer = self.vendor_name_at is None or completed_at >= self.vendor_name_at
        return replace(
            self,
            vendor_name=vendor_name if newer else self.vendor_name,
            vendor_name_at=completed_at if newer else self.vendor_name_at,
            package_count=self.package_count + 1,
            on_time_package_count=self.on_time_package_count + int(on_time),
        )

    def with_rating(
        self, result: WeightedResult, scores: Mapping[str, int], first_of_its_ppk: bool
    ) -> "VendorTally":
        """One more rating (``first_of_its_ppk``: its PPK had not rated this vendor yet)."""
        sums = dict(self.score_sums)
        for key, score in scores.items():
            summed, count = sums.get(key, (0, 0))
            sums[key] = (summed + score, count + 1)
        return replace(
            self,
            rating_count=self.rating_count + 1,
            rating_ppk_count=self.rating_ppk_count + int(first_of_its_ppk),
            result_sum=self.result_sum + result.exact,
            weighted_points_sum=self.weighted_points_sum + result.points,
            weight_total_sum=self.weight_total_sum + result.weight_total,
            score_sums=sums,
        )

    def scorecard(self) -> Scorecard:
        count = self.rating_count
        return Scorecard(
            rating_count=count,
            rating_ppk_count=self.rating_ppk_count,
            package_count=self.package_count,
            on_time_package_count=self.on_time_package_count,
            exact_average=self.result_sum / count if count else None,
            criterion_totals=dict(self.score_sums),
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
