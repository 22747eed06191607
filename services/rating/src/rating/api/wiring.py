"""What the routes hand to the use cases, built once in the composition root (``app.py``)."""

from dataclasses import dataclass
from datetime import tzinfo

from fastapi import Request

from rating.application.ports import UnitOfWorkFactory
from rating.domain.scheme import RatingScheme
from rating.domain.scorecard import ReviewPolicy


@dataclass(frozen=True)
class Wiring:
    unit_of_work: UnitOfWorkFactory
    scheme: RatingScheme
    policy: ReviewPolicy
    zone: tzinfo


async def wiring(request: Request) -> Wiring:
    found: Wiring = request.app.state.rating
    return found
