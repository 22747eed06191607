"""Settings of the rating service: its own knobs are read with the ``RATING_`` prefix.

- ``RATING_CRITERIA``: JSON list of ``{"key", "label", "weight"}`` (integer weights);
- ``RATING_SCALE_MIN`` / ``RATING_SCALE_MAX`` / ``RATING_SCALE_LABELS`` (JSON ``{"1": "cukup"}``);
- ``RATING_REVIEW_THRESHOLD`` (decimal) and ``RATING_REVIEW_MINIMUM_RATINGS``: the review flag;
- ``TIME_ZONE`` (shared by every service): the zone whose calendar date decides whether a
  blacklist entry is active.
"""

from decimal import Decimal

from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings
from rating.domain.scheme import (
    DEFAULT_CRITERIA,
    DEFAULT_SCALE_LABELS,
    Criterion,
    RatingScheme,
)
from rating.domain.scorecard import ReviewPolicy


class CriterionSetting(BaseModel):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=200)
    weight: int = Field(gt=0)


class RatingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RATING_", extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_rating"
    document_root: str = "var/documents/rating"
    port: int = 8004
    # At most 20 criteria (the API reads at most 20 scores), on a scale within 0–100.
    criteria: list[CriterionSetting] = Field(
        min_length=1,
        max_length=20,
        default_factory=lambda: [
            CriterionSetting(key=c.key, label=c.label, weight=c.weight) for c in DEFAULT_CRITERIA
        ],
    )
    scale_min: int = Field(default=1, ge=0, le=100)
    scale_max: int = Field(default=3, ge=0, le=100)
    scale_labels: dict[int, str] = Field(default_factory=lambda: dict(DEFAULT_SCALE_LABELS))
    review_threshold: Decimal = Decimal("2.00")
    review_minimum_ratings: int = Field(default=3, ge=1)

    def rating_scheme(self) -> RatingScheme:
        """The configured scheme (raises ValueError on an inconsistent configuration)."""
        return RatingScheme(
            criteria=tuple(Criterion(c.key, c.label, c.weight) for c in self.criteria),
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            scale_labels=dict(self.scale_labels),
        )

    def review_policy(self) -> ReviewPolicy:
        return ReviewPolicy(self.review_threshold, self.review_minimum_ratings)
