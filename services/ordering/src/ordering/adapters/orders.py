"""The order-number counters in PostgreSQL (one per work unit and year), taken in a short
transaction of their own (docs/order-numbers.md)."""

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from epurchasing_shared.direct import Direct, fetchone, transaction
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
    """Numbers taken on the service's autonomous pool (``Runtime.autonomous``), not in the
    request's transaction: the counter row's lock lasts the upsert and its COMMIT (about a
    millisecond), so orders of one work unit no longer wait for each other's letters and
    writes; a number whose order then fails is not given again (a gap)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def next_seq(self, work_unit: str, year: int) -> int:
        """The upsert locks the counter row until its own commit, so concurrent orders of one
        work unit get distinct numbers."""
        async with self.engine.connect() as connection, transaction(connection):
            row = await fetchone(connection, _NEXT_SEQ, {"work_unit": work_unit, "year": year})
        return int(row["last_seq"])
