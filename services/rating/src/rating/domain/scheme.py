"""The rating scheme (criteria, weights, scale) and the exact weighted result of one rating.

Defaults follow domain.md (to be verified against LKPP Regulation 4/2021): quality and
quantity of work 30, cost 20, timeliness 30, service 20, each scored 1–3 (cukup / baik /
sangat baik). Everything is configurable (``RATING_CRITERIA``, ``RATING_SCALE_*``).

Arithmetic is exact: a rating's result is the integer ``weighted_points`` (sum of weight x
score) over the integer ``weight_total``; it is shown as a Decimal with two places, rounded
half up (with weights summing to 100 the two places are exact, never rounded).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from epurchasing_shared.kernel.errors import RuleViolation

TWO_PLACES = Decimal("0.01")
# A refusal names at most this many unknown criteria (the rest are counted), each key cut.
MAX_UNKNOWN_NAMED = 10
MAX_KEY_SHOWN = 60


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: int


@dataclass(frozen=True)
class WeightedResult:
    """The exact result of one rating: ``points / weight_total``."""

    points: int
    weight_total: int

    @property
    def exact(self) -> Fraction:
        return Fraction(self.points, self.weight_total)

    @property
    def value(self) -> Decimal:
        return to_two_places(self.exact)


def to_two_places(value: Fraction) -> Decimal:
    """A fraction as a Decimal with two places, rounded half up (no float on the way)."""
    quotient = Decimal(value.numerator) / Decimal(value.denominator)
    return quotient.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RatingScheme:
    criteria: tuple[Criterion, ...]
    scale_min: int
    scale_max: int
    scale_labels: Mapping[int, str]

    def __post_init__(self) -> None:
        keys = [c.key for c in self.criteria]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError("the rating criteria need at least one criterion and unique keys")
        if any(c.weight <= 0 for c in self.criteria):
            raise ValueError("every criterion weight must be a positive integer")
        if self.scale_min >= self.scale_max:
            raise ValueError("the rating scale needs scale_min < scale_max")

    @property
    def weights(self) -> dict[str, int]:
        return {c.key: c.weight for c in self.criteria}

    def validate_scores(self, scores: Mapping[str, int]) -> None:
        """Every criterion scored once, on the scale; nothing else (else RuleViolation).

        The refusal does not grow with the input: the first few unknown keys are named, the
        rest counted in one more error, and the detail stays one short sentence."""
        weights = self.weights
        unknown = [key for key in scores if key not in weights]
        expected = ", ".join(weights)
        errors: list[tuple[str, str, str]] = [
            (
                f"scores.{key[:MAX_KEY_SHOWN]}",
                f"unknown criterion; expected one of {expected}",
                f"kriteria tidak dikenal; yang berlaku: {expected}",
            )
            for key in unknown[:MAX_UNKNOWN_NAMED]
        ]
        if len(unknown) > MAX_UNKNOWN_NAMED:
            more = len(unknown) - MAX_UNKNOWN_NAMED
            errors.append(
                (
                    "scores",
                    f"{more} more unknown criteria",
                    f"{more} kriteria tidak dikenal lainnya",
                )
            )
        for criterion in self.criteria:
            score = scores.get(criterion.key)
            if score is None:
                errors.append(
                    (
                        f"scores.{criterion.key}",
                        "missing score for this criterion",
                        "nilai untuk kriteria ini belum diisi",
                    )
                )
            elif (
                isinstance(score, bool)
                or not isinstance(score, int)
                or not self.scale_min <= score <= self.scale_max
            ):
                errors.append(
                    (
                        f"scores.{criterion.key}",
                        f"score must be an integer from {self.scale_min} to {self.scale_max}",
                        f"nilai harus bilangan bulat {self.scale_min} sampai {self.scale_max}",
                    )
                )
        if errors:
            raise RuleViolation(
                errors,
                detail=f"the scores do not fit the rating scheme ({len(errors)} problems)",
                detail_id=f"nilai penilaian kinerja tidak sesuai skema ({len(errors)} masalah)",
            )

    def weighted_result(self, scores: Mapping[str, int]) -> WeightedResult:
        """The weighted result of valid scores (validates them first)."""
        self.validate_scores(scores)
        points = sum(c.weight * scores[c.key] for c in self.criteria)
        return WeightedResult(points=points, weight_total=sum(self.weights.values()))


DEFAULT_CRITERIA = (
    Criterion("quality_quantity", "Kualitas dan kuantitas pekerjaan", 30),
    Criterion("cost", "Biaya", 20),
    Criterion("timeliness", "Waktu", 30),
    Criterion("service", "Layanan", 20),
)
DEFAULT_SCALE_LABELS = {1: "cukup", 2: "baik", 3: "sangat baik"}
