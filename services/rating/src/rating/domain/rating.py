"""The Rating aggregate (SOP step 27): opened when a package is completed, rated once by its
PPK, answered once by the rated vendor (*ours*).

Each method checks its rule, takes its :class:`Change` from :data:`RATING_MACHINE`, applies it
and returns it: the history's SOP step and the callers' ``allowed_actions`` come from the table.
"""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.kernel.states import (
    SYSTEM,
    Change,
    StateMachine,
    TimeStandard,
    transition,
)
from epurchasing_shared.principal import Role
from rating.domain.scheme import RatingScheme, WeightedResult

NEW, PENDING, RATED, REPLIED = "", "pending", "rated", "replied"

# SOP step 27, *Waktu* "1 hari": the package's PPK rates its vendor within one working day of
# the completion (the hand-off day not counted; see docs/time-standards.md).
RATE_WITHIN = TimeStandard(working_days=1, actor=Role.PPK.value, step="27")

RATING_MACHINE = StateMachine(
    "rating",
    [
        # action            from       to        SOP step  who     turn it opens
        transition("open_rating", {NEW}, PENDING, "27", SYSTEM, time_standard=RATE_WITHIN),
        # Rating ends step 27 (and the procurement): the PPK's turn closes, none opens.
        transition("rate", {PENDING}, RATED, "27", Role.PPK),
        # The vendor's one answer to its step-27 rating (ours, not an SOP step of its own):
        # optional, so no turn (a vendor who does not answer is not late).
        transition("reply", {RATED}, REPLIED, "27", Role.VENDOR),
    ],
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


@dataclass
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

    @classmethod
    def open(
        cls, rating_id: UUID, package: CompletedPackage, at: datetime, reason: str | None = None
    ) -> tuple["Rating", Change]:
        """The pending rating of a package just completed, for its PPK."""
        change = RATING_MACHINE.change("open_rating", NEW, SYSTEM, reason=reason)
        return cls(id=rating_id, package=package, opened_at=at, state=change.to_state), change

    def rate(
        self,
        scheme: RatingScheme,
        scores: dict[str, int],
        comment: str | None,
        at: datetime,
        role: str | None = None,
    ) -> Change:
        """The PPK's rating: scores validated on the scheme, the exact weighted result kept
        together with the weights and scale used (a later configuration change rewrites
        nothing)."""
        change = RATING_MACHINE.change("rate", self.state, role, reason=comment)
        result = scheme.weighted_result(scores)
        self.state, self.version = change.to_state, self.version + 1
        self.scores, self.weights, self.result = dict(scores), scheme.weights, result
        self.scale_min, self.scale_max = scheme.scale_min, scheme.scale_max
        self.comment, self.rated_at = comment, at
        return change

    def answer(self, text: str, by: str, at: datetime, role: str | None = None) -> Change:
        """The rated vendor's one reply."""
        change = RATING_MACHINE.change("reply", self.state, role, reason=text)
        if not text.strip():
            raise RuleViolation.one(
                "text", "the reply must not be empty", "tanggapan tidak boleh kosong"
            )
        self.state, self.version = change.to_state, self.version + 1
        self.reply, self.replied_at, self.replied_by = text, at, by
        return change
