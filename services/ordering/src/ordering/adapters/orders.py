"""The order-number counters in PostgreSQL (one per work unit and year)."""

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, fetchone
from ordering.adapters.tables import order_number_counters

# Every issued order takes a number: built once, sent to the driver directly (direct.py).
_NEXT_SEQ = Direct(
    insert(order_number_counters)
    .values(work_unit=bindparam("work_unit"), year=bindparam("year"), last_seq=1)
    .on_conflict_do_update(
        index_elements=["work_unit", "year"],
        set_={"last_seq": order_number_counters.c.last_seq + 1},
    )
    .returning(order_number_counters.c.last_seq)
)


class SqlOrderNumbers:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def next_seq(self, work_unit: str, year: int) -> int:
        """The upsert takes the counter row's lock until commit, so concurrent orders of one
        work unit get distinct numbers."""
        row = await fetchone(self.session, _NEXT_SEQ, {"work_unit": work_unit, "year": year})
        return int(row["last_seq"])
