"""Blacklist entries (SOP 11b): a vendor barred between a start and an (optional) end date.

An entry is in force on the days from ``starts_on`` to ``ends_on`` inclusive (no end date:
until lifted), unless lifted. Lifting early is an admin decision with a reason; an entry that
is already lifted or has expired cannot be lifted (409). "Today" is the injected clock's date
in the regency's time zone, passed in. Entries belong to no procurement: they keep who
recorded and lifted them themselves, and their changes are events, not history entries.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.kernel.states import Change, StateMachine, transition
from epurchasing_shared.principal import Role

# A new entry starts within this many years of today, and lasts at most MAX_PERIOD_YEARS.
MAX_YEARS_FROM_TODAY = 5
MAX_PERIOD_YEARS = 10


def years_from(day: date, years: int) -> date:
    """The same calendar day ``years`` later (or earlier); 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


NEW, SCHEDULED, ACTIVE, EXPIRED, LIFTED = "", "scheduled", "active", "expired", "lifted"

BLACKLIST_MACHINE = StateMachine(
    "blacklist entry",
    [
        # action     from                    to: by the period's dates     SOP step  who
        transition("record", {NEW}, (SCHEDULED, ACTIVE, EXPIRED), "11b", Role.ADMIN),
        transition("lift", {SCHEDULED, ACTIVE}, LIFTED, "11b", Role.ADMIN),
    ],
)


@dataclass
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
            raise RuleViolation.one(
                "ends_on",
                "the end date must not be before the start date",
                "tanggal berakhir tidak boleh sebelum tanggal mulai",
            )

    def check_period(self, today: date) -> None:
        """A new entry's dates must be plausible: it starts within
        :data:`MAX_YEARS_FROM_TODAY` years of today and lasts at most :data:`MAX_PERIOD_YEARS`
        years (a typo such as 1970 or 9999 is refused, not recorded)."""
        errors = []
        earliest, latest = (
            years_from(today, -MAX_YEARS_FROM_TODAY),
            years_from(today, MAX_YEARS_FROM_TODAY),
        )
        if not earliest <= self.starts_on <= latest:
            errors.append(
                (
                    "starts_on",
                    f"the start date must be between {earliest} and {latest}",
                    f"tanggal mulai harus antara {earliest} dan {latest}",
                )
            )
        elif self.ends_on is not None and self.ends_on > years_from(
            self.starts_on, MAX_PERIOD_YEARS
        ):
            errors.append(
                (
                    "ends_on",
                    f"a blacklist period lasts at most {MAX_PERIOD_YEARS} years",
                    f"masa daftar hitam paling lama {MAX_PERIOD_YEARS} tahun",
                )
            )
        if errors:
            raise RuleViolation(errors)

    def recorded(self, today: date, role: str | None = None) -> Change:
        """The change of recording this new entry (it starts in the state its dates say)."""
        return BLACKLIST_MACHINE.change(
            "record", NEW, role, to=self.state_on(today), reason=self.reason
        )

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

    def allowed_actions(self, today: date, role: str) -> list[str]:
        return BLACKLIST_MACHINE.allowed_actions(self.state_on(today), role)

    def lift(
        self, reason: str, by: str, at: datetime, today: date, role: str | None = None
    ) -> Change:
        """Lift the entry early, with a reason."""
        change = BLACKLIST_MACHINE.change("lift", self.state_on(today), role, reason=reason)
        if not reason.strip():
            raise RuleViolation.one(
                "reason",
                "a reason is required to lift an entry",
                "alasan pencabutan daftar hitam wajib diisi",
            )
        self.version += 1
        self.lifted_at, self.lift_reason, self.lifted_by = at, reason, by
        return change
