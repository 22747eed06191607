"""The rating unit of work on PostgreSQL: the kernel's, with the rating repositories open."""

from epurchasing_shared.persistence import SqlUnitOfWork
from rating.adapters.blacklist_repository import SqlBlacklist
from rating.adapters.ratings_repository import SqlRatings, SqlVendorReviews
from rating.adapters.scorecards_repository import SqlScorecards
from rating.application.ports import RatingUnitOfWork


class SqlRatingUnitOfWork(SqlUnitOfWork, RatingUnitOfWork):
    async def _open(self) -> None:
        self.ratings = SqlRatings(self.session)
        self.reviews = SqlVendorReviews(self.session)
        self.scorecards = SqlScorecards(self.session)
        self.blacklist = SqlBlacklist(self.session)
