"""Blacklist entries (SOP 11b): a vendor barred between a start and an (optional) end date.

An entry is in force on the days from ``starts_on`` to ``ends_on`` inclusive (no end date:
until lifted), unless lifted. Lifting early is an admin decision with a reason; an entry that
is already lifted or has expired cannot be lifted (409). "Today" is the injected clock's date
in the regency's time zone, passed in.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from rating.domain.errors import InvalidInput
from rating.domain.transitions import StateMachine, Transition

SCHEDULED, ACTIVE, EXPIRED, LIFTED = "scheduled", "active", "expired", "lifted"

BLACKLIST_MACHINE = StateMachine(
    "blacklist entry",
    Transition("lift", frozenset({SCHEDULED, ACTIVE}), LIFTED, "11b", "admin"),
)


@dataclass(frozen=True)
class BlacklistEntry:
    id: UUID
    vendor_id: UUID
    vendor_name: str | None
    reason: str
    decree_reference: str
    starts_on: date
    ends_on: date | None
    recorded_at: datetime
    recorded_by: str
    version: int = 1
    lifted_at: datetime | None = None
    lift_reason: str | None = None
    lifted_by: str | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise InvalidInput([("ends_on", "the end date must not be before the start date")])

    def state_on(self, today: date) -> str:
        """scheduled / active / expired by the dates, or lifted."""
        if self.lifted_at is not None:
            return LIFTED
        if today < self.starts_on:
            return SCHEDULED
        if self.ends_on is not None and today > self.ends_on:
            return EXPIRED
        return ACTIVE

    def is_active_on(self, today: date) -> bool:
        return self.state_on(today) == ACTIVE

    def lift(self, reason: str, by: str, at: datetime, today: date) -> "BlacklistEntry":
        """Lift the entry early, with a reason."""
        BLACKLIST_MACHINE.check("lift", self.state_on(today), "admin")
        if not reason.strip():
            raise InvalidInput([("reason", "a reason is required to lift an entry")])
        return replace(
            self, version=self.version + 1, lifted_at=at, lift_reason=reason, lifted_by=by
        )
