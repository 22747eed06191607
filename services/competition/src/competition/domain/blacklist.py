"""The competition service's copy of the blacklist (*daftar hitam*, SOP 11b)."""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from uuid import UUID


@dataclass(frozen=True)
class BlacklistEntry:
    entry_id: UUID
    vendor_id: UUID
    starts_on: date | None  # None until the entry's own event arrives (a lift came first)
    ends_on: date | None = None  # None: until lifted
    lifted_at: datetime | None = None

    def is_active(self, now: datetime, zone: tzinfo) -> bool:
        """Active from ``starts_on`` to ``ends_on`` inclusive (local dates), unless lifted."""
        if self.starts_on is None:
            return False
        if self.lifted_at is not None and self.lifted_at <= now:
            return False
        today = now.astimezone(zone).date()
        return self.starts_on <= today and (self.ends_on is None or today <= self.ends_on)


def is_blacklisted(entries: list[BlacklistEntry], now: datetime, zone: tzinfo) -> bool:
    """A vendor is barred while any of its entries is active."""
    return any(entry.is_active(now, zone) for entry in entries)
