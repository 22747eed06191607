"""The running sums of the vendors' scorecards in PostgreSQL (table ``vendor_scorecards``)."""

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from rating.adapters.tables import vendor_rating_ppks, vendor_scorecards
from rating.domain.rating import CompletedPackage
from rating.domain.scorecard import VendorTally


def _tally(row: RowMapping) -> VendorTally:
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


class SqlScorecards:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def get(self, vendor_id: UUID) -> VendorTally | None:
        query = select(vendor_scorecards).where(vendor_scorecards.c.vendor_id == vendor_id)
        row = (await self.session.execute(query)).mappings().first()
        return _tally(row) if row else None

    async def count_package(self, package: CompletedPackage, at: datetime) -> None:
        """One upsert: concurrent completions of one vendor add up without a lost update."""
        table = vendor_scorecards.c
        on_time = int(package.on_time)
        statement = insert(vendor_scorecards).values(
            vendor_id=package.vendor_id,
            vendor_name=package.vendor_name,
            vendor_name_at=package.completed_at,
            package_count=1,
            on_time_package_count=on_time,
            updated_at=at,
        )
        newer = (table.vendor_name_at.is_(None)) | (
            statement.excluded.vendor_name_at >= table.vendor_name_at
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["vendor_id"],
                set_={
                    "package_count": table.package_count + 1,
                    "on_time_package_count": table.on_time_package_count + on_time,
                    "vendor_name": case(
                        (newer, statement.excluded.vendor_name), else_=table.vendor_name
                    ),
                    "vendor_name_at": case(
                        (newer, statement.excluded.vendor_name_at), else_=table.vendor_name_at
                    ),
                    "updated_at": at,
                },
            )
        )

    async def lock(self, vendor_id: UUID, at: datetime) -> VendorTally:
        await self.session.execute(
            insert(vendor_scorecards)
            .values(vendor_id=vendor_id, updated_at=at)
            .on_conflict_do_nothing(index_elements=["vendor_id"])
        )
        query = (
            select(vendor_scorecards)
            .where(vendor_scorecards.c.vendor_id == vendor_id)
            .with_for_update()
        )
        return _tally((await self.session.execute(query)).mappings().one())

    async def first_rating_by(self, vendor_id: UUID, ppk_id: str) -> bool:
        inserted = await self.session.execute(
            insert(vendor_rating_ppks)
            .values(vendor_id=vendor_id, ppk_id=ppk_id)
            .on_conflict_do_nothing()
            .returning(vendor_rating_ppks.c.vendor_id)
        )
        return inserted.first() is not None

    async def save_ratings(self, vendor_id: UUID, tally: VendorTally, at: datetime) -> None:
        await self.session.execute(
            update(vendor_scorecards)
            .where(vendor_scorecards.c.vendor_id == vendor_id)
            .values(**_rating_columns(tally), updated_at=at)
        )
