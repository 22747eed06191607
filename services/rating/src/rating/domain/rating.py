"""The Rating aggregate (SOP step 27): opened when a package is completed, rated once by its
PPK, answered once by the rated vendor (*ours*)."""

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from rating.domain.errors import InvalidInput
from rating.domain.scheme import RatingScheme, WeightedResult
from rating.domain.transitions import StateMachine, Transition

PENDING, RATED, REPLIED = "pending", "rated", "replied"

RATING_MACHINE = StateMachine(
    "rating",
    Transition("rate", frozenset({PENDING}), RATED, "27", "ppk"),
    Transition("reply", frozenset({RATED}), REPLIED, None, "vendor"),
)


@dataclass(frozen=True)
class CompletedPackage:
    """What the rating needs to know of a package completed at step 27."""

    procurement_id: UUID
    package_id: UUID
    order_id: UUID
    order_number: str
    vendor_id: UUID
    vendor_name: str
    ppk_id: str
    ppk_name: str
    work_unit: str
    on_time: bool
    completed_at: datetime


@dataclass(frozen=True)
class Rating:
    id: UUID
    package: CompletedPackage
    opened_at: datetime
    state: str = PENDING
    version: int = 1
    scores: dict[str, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    scale_min: int | None = None
    scale_max: int | None = None
    result: WeightedResult | None = None
    comment: str | None = None
    rated_at: datetime | None = None
    reply: str | None = None
    replied_at: datetime | None = None
    replied_by: str | None = None

    def rate(
        self, scheme: RatingScheme, scores: dict[str, int], comment: str | None, at: datetime
    ) -> "Rating":
        """The PPK's rating: scores validated on the scheme, the exact weighted result kept
        together with the weights and scale used (a later configuration change rewrites
        nothing)."""
        RATING_MACHINE.check("rate", self.state, "ppk")
        result = scheme.weighted_result(scores)
        return replace(
            self,
            state=RATED,
            version=self.version + 1,
            scores=dict(scores),
            weights=scheme.weights,
            scale_min=scheme.scale_min,
            scale_max=scheme.scale_max,
            result=result,
            comment=comment,
            rated_at=at,
        )

    def answer(self, text: str, by: str, at: datetime) -> "Rating":
        """The rated vendor's one reply."""
        RATING_MACHINE.check("reply", self.state, "vendor")
        if not text.strip():
            raise InvalidInput([("text", "the reply must not be empty")])
        return replace(
            self,
            state=REPLIED,
            version=self.version + 1,
            reply=text,
            replied_at=at,
            replied_by=by,
        )
