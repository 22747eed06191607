"""What the use cases need from storage: the repositories behind the rating unit of work.

The SQL side lives in ``rating.adapters``, the in-memory side in the unit tests' fakes; use
cases see only these interfaces.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.principal import Principal
from rating.domain.blacklist import BlacklistEntry
from rating.domain.rating import CompletedPackage, Rating
from rating.domain.scorecard import VendorTally

# A page continues after the (timestamp, id) of the last row of the previous one.
After = tuple[datetime, UUID] | None


class Ratings(Protocol):
    async def open_if_new(self, rating: Rating) -> bool:
        """Add a pending rating unless its package already has one; True if added."""

    async def get(self, rating_id: UUID, *, for_update: bool = False) -> Rating | None: ...

    async def get_with_turn(self, rating_id: UUID) -> tuple[Rating, Turn | None] | None:
        """The rating and its open turn (as committed: for a read), in one read."""

    async def for_procurement(self, procurement_id: UUID, ppk_id: str) -> Rating | None:
        """The PPK's rating of a procurement's completed package (the unrated one first),
        locked."""

    async def save(self, rating: Rating) -> None: ...

    async def page(
        self,
        viewer: Principal,
        *,
        vendor_id: UUID | None,
        procurement_id: UUID | None,
        state: str | None,
        overdue: bool | None,
        mine: bool,
        now: datetime,
        limit: int,
        after: After,
    ) -> list[tuple[Rating, Turn | None]]:
        """The ratings ``viewer`` may see, oldest opened first, after the cursor, each with
        its open turn (None: no one's turn). ``overdue``: True, those whose open turn is past
        due at ``now``; False, the others. ``mine``: only those whose open turn is the
        viewer's (:func:`rating.application.visibility.is_my_turn`). ``procurement_id``: only
        that procurement's rating (at most one)."""


class VendorReviews(Protocol):
    """Whether a vendor is below the review threshold (a flag is raised on a crossing)."""

    async def lock_was_below(self, vendor_id: UUID, at: datetime) -> bool:
        """Whether it was below; locks the vendor so ratings of one vendor run one by one."""

    async def set_below(self, vendor_id: UUID, below: bool, at: datetime) -> None: ...


class Scorecards(Protocol):
    """The running sums of each vendor's scorecard (no scorecard re-reads every rating)."""

    async def get(self, vendor_id: UUID) -> VendorTally | None:
        """The vendor's sums as last committed (None: no package of it is known)."""

    async def count_package(self, package: CompletedPackage, at: datetime) -> None:
        """One more completed package of its vendor, added atomically (no lock held)."""

    async def lock(self, vendor_id: UUID, at: datetime) -> VendorTally:
        """The vendor's sums, locked until the unit of work ends (created empty if none)."""

    async def first_rating_by(self, vendor_id: UUID, ppk_id: str) -> bool:
        """Note that ``ppk_id`` rated the vendor; True if it never had before."""

    async def save_ratings(self, vendor_id: UUID, tally: VendorTally, at: datetime) -> None:
        """Write the rating sums of a tally taken with :meth:`lock` (the package counts are
        left to :meth:`count_package`)."""


class Blacklist(Protocol):
    async def add(self, entry: BlacklistEntry) -> None: ...

    async def get(self, entry_id: UUID, *, for_update: bool = False) -> BlacklistEntry | None: ...

    async def save(self, entry: BlacklistEntry) -> None: ...

    async def page(
        self,
        *,
        today: date,
        active: bool | None,
        vendor_id: UUID | None,
        limit: int,
        after: After,
    ) -> list[BlacklistEntry]:
        """Entries (in force ``today`` or not, when ``active`` is given), oldest recorded
        first, after the cursor."""


class RatingUnitOfWork(UnitOfWork):
    """The rating service's unit of work: the kernel's, with its repositories open."""

    ratings: Ratings
    reviews: VendorReviews
    scorecards: Scorecards
    blacklist: Blacklist


UnitOfWorkFactory = Callable[[Caller], RatingUnitOfWork]
