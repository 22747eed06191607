"""The running sums of the vendors' scorecards in PostgreSQL (table ``vendor_scorecards``)."""

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy import bindparam, case, select, update
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, execute, fetchone, fetchrow
from rating.adapters.tables import vendor_rating_ppks, vendor_scorecards
from rating.domain.rating import CompletedPackage
from rating.domain.scorecard import VendorTally


def _tally(row: asyncpg.Record) -> VendorTally:
    return VendorTally(
        vendor_name=row["vendor_name"],
        vendor_name_at=row["vendor_name_at"],
        package_count=row["package_count"],
        on_time_package_count=row["on_time_package_count"],
        rating_count=row["rating_count"],
        rating_ppk_count=row["rating_ppk_count"],
        result_sum=Fraction(int(row["result_sum_numerator"]), int(row["result_sum_denominator"])),
        weighted_points_sum=row["weighted_points_sum"],
        weight_total_sum=row["weight_total_sum"],
        score_sums={key: (int(s), int(n)) for key, (s, n) in (row["score_sums"] or {}).items()},
    )


def _rating_columns(tally: VendorTally) -> dict[str, Any]:
    return {
        "rating_count": tally.rating_count,
        "rating_ppk_count": tally.rating_ppk_count,
        "result_sum_numerator": Decimal(tally.result_sum.numerator),
        "result_sum_denominator": Decimal(tally.result_sum.denominator),
        "weighted_points_sum": tally.weighted_points_sum,
        "weight_total_sum": tally.weight_total_sum,
        "score_sums": {key: [s, n] for key, (s, n) in sorted(tally.score_sums.items())},
    }


# The statements run for every completion and rating, built once and sent to the driver
# directly (epurchasing_shared.direct), past SQLAlchemy's execution layer (docs/performance.md).
# An insert names the columns it is given: the others take their server defaults (the sums
# start at 0, 0/1 and {}).
def _insert_scorecard(*given: str) -> Insert:
    return insert(vendor_scorecards).values({name: bindparam(name) for name in given})


# A completed package counted: the vendor's sums made or added to (the name kept is the one
# of the latest completion).
_count = _insert_scorecard(
    "vendor_id",
    "vendor_name",
    "vendor_name_at",
    "package_count",
    "on_time_package_count",
    "updated_at",
)
_newer = (vendor_scorecards.c.vendor_name_at.is_(None)) | (
    _count.excluded.vendor_name_at >= vendor_scorecards.c.vendor_name_at
)
_COUNT_PACKAGE = Direct(
    _count.on_conflict_do_update(
        index_elements=["vendor_id"],
        set_={
            "package_count": vendor_scorecards.c.package_count + 1,
            "on_time_package_count": vendor_scorecards.c.on_time_package_count
            + _count.excluded.on_time_package_count,
            "vendor_name": case(
                (_newer, _count.excluded.vendor_name), else_=vendor_scorecards.c.vendor_name
            ),
            "vendor_name_at": case(
                (_newer, _count.excluded.vendor_name_at),
                else_=vendor_scorecards.c.vendor_name_at,
            ),
            "updated_at": _count.excluded.updated_at,
        },
    )
)
_GET = Direct(
    select(vendor_scorecards).where(vendor_scorecards.c.vendor_id == bindparam("vendor_key"))
)
# The vendor's sums, locked (made first if it is new): the no-op update of an upsert takes the
# row's lock and returns it, in one statement.
_card = _insert_scorecard("vendor_id", "updated_at")
_LOCK = Direct(
    _card.on_conflict_do_update(
        index_elements=["vendor_id"], set_={"vendor_id": _card.excluded.vendor_id}
    ).returning(*vendor_scorecards.c)
)
_FIRST_RATING_BY = Direct(
    insert(vendor_rating_ppks).on_conflict_do_nothing().returning(vendor_rating_ppks.c.vendor_id)
)
_RATING_SET = [
    "rating_count",
    "rating_ppk_count",
    "result_sum_numerator",
    "result_sum_denominator",
    "weighted_points_sum",
    "weight_total_sum",
    "score_sums",
    "updated_at",
]  # _rating_columns, and the time
_SAVE_RATINGS = Direct(
    update(vendor_scorecards)
    .where(vendor_scorecards.c.vendor_id == bindparam("vendor_key"))
    .values({name: bindparam(f"set_{name}") for name in _RATING_SET})
)


class SqlScorecards:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def get(self, vendor_id: UUID) -> VendorTally | None:
        row = await fetchrow(self.session, _GET, {"vendor_key": vendor_id})
        return _tally(row) if row else None

    async def count_package(self, package: CompletedPackage, at: datetime) -> None:
        """One upsert: concurrent completions of one vendor add up without a lost update."""
        params = {
            "vendor_id": package.vendor_id,
            "vendor_name": package.vendor_name,
            "vendor_name_at": package.completed_at,
            "package_count": 1,
            "on_time_package_count": int(package.on_time),
            "updated_at": at,
        }
        await execute(self.session, _COUNT_PACKAGE, params)

    async def lock(self, vendor_id: UUID, at: datetime) -> VendorTally:
        return _tally(
            await fetchone(self.session, _LOCK, {"vendor_id": vendor_id, "updated_at": at})
        )

    async def first_rating_by(self, vendor_id: UUID, ppk_id: str) -> bool:
        params = {"vendor_id": vendor_id, "ppk_id": ppk_id}
        return await fetchrow(self.session, _FIRST_RATING_BY, params) is not None

    async def save_ratings(self, vendor_id: UUID, tally: VendorTally, at: datetime) -> None:
        values = _rating_columns(tally) | {"updated_at": at}
        params = {"vendor_key": vendor_id} | {f"set_{name}": values[name] for name in _RATING_SET}
        await execute(self.session, _SAVE_RATINGS, params)
