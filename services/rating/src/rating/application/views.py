"""What the API answers about ratings, scorecards and blacklist entries (read models).

Use cases answer with these (as JSON in an :class:`Outcome`, also kept for idempotent
replays); the API names them as its response models. Weighted results and averages are exact
decimals with two places, sent as JSON strings (``"2.60"``) so no client reads a float.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from epurchasing_shared.contracts.common import Party
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import turn_view
from epurchasing_shared.principal import Principal, Role
from rating.application.visibility import allowed_actions
from rating.domain.blacklist import BlacklistEntry
from rating.domain.rating import Rating
from rating.domain.scorecard import Scorecard


class TurnOut(BaseModel):
    """Whose turn it is on the resource, for which SOP step, due when (docs/time-standards.md)."""

    sop_step: str = Field(examples=["27"])
    actor_role: str = Field(description="the role whose turn it is", examples=["ppk"])
    actor_id: str | None = Field(
        description="who exactly: a user id (a PPK, an official) or a vendor id",
        examples=["ppk-budi"],
    )
    work_unit: str | None = Field(examples=["dinkes"])
    started_at: datetime
    due_at: datetime = Field(
        description="the end (23:59:59.999999 local time, WIB by default) of the last "
        "working day the SOP allows"
    )
    overdue: bool = Field(description="still open after due_at")

    @classmethod
    def of(cls, turn: Turn | None, now: datetime) -> "TurnOut | None":
        view = turn_view(turn, now)
        return None if view is None else cls.model_validate(view)


class RatingOut(BaseModel):
    id: UUID
    procurement_id: UUID
    package_id: UUID
    order_number: str
    vendor_id: UUID
    vendor_name: str
    ppk: Party
    work_unit: str
    on_time: bool
    completed_at: datetime
    state: str
    version: int
    scores: dict[str, int]
    weights: dict[str, int]
    scale_min: int | None
    scale_max: int | None
    weighted_points: int | None
    weight_total: int | None
    weighted_result: Decimal | None
    comment: str | None
    rated_at: datetime | None
    reply: str | None
    replied_at: datetime | None
    allowed_actions: list[str]
    turn: TurnOut | None = Field(
        description="the open turn: the PPK's to rate while pending (SOP step 27, 1 working "
        "day); null once rated (the vendor's reply is optional and has no turn)"
    )

    @classmethod
    def of(
        cls, rating: Rating, principal: Principal, turn: Turn | None, now: datetime
    ) -> "RatingOut":
        """``turn``: the rating's open turn (``uow.open_turn(rating.id)``), seen at ``now``."""
        package, result = rating.package, rating.result
        return cls(
            id=rating.id,
            procurement_id=package.procurement_id,
            package_id=package.package_id,
            order_number=package.order_number,
            vendor_id=package.vendor_id,
            vendor_name=package.vendor_name,
            ppk=Party(id=package.ppk_id, name=package.ppk_name),
            work_unit=package.work_unit,
            on_time=package.on_time,
            completed_at=package.completed_at,
            state=rating.state,
            version=rating.version,
            scores=rating.scores,
            weights=rating.weights,
            scale_min=rating.scale_min,
            scale_max=rating.scale_max,
            weighted_points=result.points if result else None,
            weight_total=result.weight_total if result else None,
            weighted_result=result.value if result else None,
            comment=rating.comment,
            rated_at=rating.rated_at,
            reply=rating.reply,
            replied_at=rating.replied_at,
            allowed_actions=allowed_actions(rating, principal),
            turn=TurnOut.of(turn, now),
        )


class RatingPage(BaseModel):
    items: list[RatingOut]
    next_cursor: str | None


class ScorecardOut(BaseModel):
    vendor_id: UUID
    vendor_name: str | None
    weighted_average: Decimal | None = Field(description="mean of the weighted results")
    rating_count: int
    rating_ppk_count: int = Field(description="distinct PPKs who rated the vendor")
    package_count: int = Field(description="completed packages known to the rating service")
    on_time_package_count: int
    criterion_averages: dict[str, Decimal] = Field(
        description="criterion key -> mean score given on it (two places, on the scale)",
        examples=[{"cost": "2.50", "quality_quantity": "2.75", "service": "2.00"}],
    )
    below_review_threshold: bool

    @classmethod
    def of(
        cls, vendor_id: UUID, vendor_name: str | None, card: Scorecard, below: bool
    ) -> "ScorecardOut":
        return cls(
            vendor_id=vendor_id,
            vendor_name=vendor_name,
            weighted_average=card.weighted_average,
            rating_count=card.rating_count,
            rating_ppk_count=card.rating_ppk_count,
            package_count=card.package_count,
            on_time_package_count=card.on_time_package_count,
            criterion_averages=card.criterion_averages,
            below_review_threshold=below,
        )


class BlacklistEntryOut(BaseModel):
    id: UUID
    vendor_id: UUID
    vendor_name: str | None
    reason: str
    decree_reference: str
    starts_on: date
    ends_on: date | None
    recorded_at: datetime
    state: str = Field(description="scheduled, active, expired or lifted, as of today")
    active: bool
    lifted_at: datetime | None
    lift_reason: str | None
    version: int
    allowed_actions: list[str]

    @classmethod
    def of(cls, entry: BlacklistEntry, today: date, actions: list[str]) -> "BlacklistEntryOut":
        return cls(
            id=entry.id,
            vendor_id=entry.vendor_id,
            vendor_name=entry.vendor_name,
            reason=entry.reason,
            decree_reference=entry.decree_reference,
            starts_on=entry.starts_on,
            ends_on=entry.ends_on,
            recorded_at=entry.recorded_at,
            state=entry.state_on(today),
            active=entry.is_active_on(today),
            lifted_at=entry.lifted_at,
            lift_reason=entry.lift_reason,
            version=entry.version,
            allowed_actions=actions,
        )

    @classmethod
    def for_admin(cls, entry: BlacklistEntry, today: date) -> "BlacklistEntryOut":
        """As the admin who acts on it sees it: with what they may do next."""
        return cls.of(entry, today, entry.allowed_actions(today, Role.ADMIN))


class BlacklistPage(BaseModel):
    items: list[BlacklistEntryOut]
    next_cursor: str | None


def as_json(view: BaseModel) -> Any:
    """The view as the JSON body of an Outcome (what a replay returns)."""
    return view.model_dump(mode="json")
