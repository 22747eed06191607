"""Evaluation (SOP step 11): valid offers, ranking by one pluggable scoring function, outcome."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

NO_OFFERS = "no_offers"
ONLY_BLACKLISTED_OFFERS = "only_blacklisted_offers"
BELOW_MINIMUM_OFFERS = "below_minimum_offers"


@dataclass(frozen=True)
class EvaluatedOffer:
    offer_id: UUID
    vendor_id: UUID
    vendor_name: str
    evaluated_price: int
    submitted_at: datetime
    blacklisted: bool  # at evaluation time


# A score orders offers: the lower, the better. Replace it (weighted price/quality/domestic
# content) without touching the rest of the evaluation.
ScoringFunction = Callable[[EvaluatedOffer], Any]


def lowest_evaluated_price(offer: EvaluatedOffer) -> tuple[int, datetime]:
    """LKPP v5: best price including shipping; ties go to the earlier submission."""
    return (offer.evaluated_price, offer.submitted_at)


SCORING_FUNCTIONS: dict[str, ScoringFunction] = {"lowest_evaluated_price": lowest_evaluated_price}


@dataclass(frozen=True)
class RankedOffer:
    rank: int
    offer: EvaluatedOffer


@dataclass(frozen=True)
class Evaluation:
    outcome: Literal["succeeded", "failed"]
    ranking: list[RankedOffer]
    offers_received: int
    failure_reason: str | None = None

    @property
    def winner(self) -> RankedOffer | None:
        return self.ranking[0] if self.outcome == "succeeded" else None


def rank(
    offers: Sequence[EvaluatedOffer], score: ScoringFunction = lowest_evaluated_price
) -> list[RankedOffer]:
    """Rank the offers by score (best first); blacklisted vendors' offers are left out."""
    valid = sorted((o for o in offers if not o.blacklisted), key=score)
    return [RankedOffer(rank=i, offer=o) for i, o in enumerate(valid, start=1)]


def evaluate(
    offers: Sequence[EvaluatedOffer],
    min_offers: int = 1,
    score: ScoringFunction = lowest_evaluated_price,
) -> Evaluation:
    """Succeeded when valid offers ≥ ``min_offers``; else failed, saying why (SOP 11a/11b)."""
    ranking = rank(offers, score)
    received = len(offers)
    if received == 0:
        return Evaluation("failed", [], 0, NO_OFFERS)
    if not ranking:
        return Evaluation("failed", [], received, ONLY_BLACKLISTED_OFFERS)
    if len(ranking) < max(min_offers, 1):
        return Evaluation("failed", ranking, received, BELOW_MINIMUM_OFFERS)
    return Evaluation("succeeded", ranking, received)
