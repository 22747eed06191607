"""The order-number counters in PostgreSQL (one per work unit and year)."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from ordering.adapters.tables import order_number_counters


class SqlOrderNumbers:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def next_seq(self, work_unit: str, year: int) -> int:
        """The upsert takes the counter row's lock until commit, so concurrent orders of one
        work unit get distinct numbers."""
        statement = (
            insert(order_number_counters)
            .values(work_unit=work_unit, year=year, last_seq=1)
            .on_conflict_do_update(
                index_elements=["work_unit", "year"],
                set_={"last_seq": order_number_counters.c.last_seq + 1},
            )
            .returning(order_number_counters.c.last_seq)
        )
        return int((await self.session.execute(statement)).scalar_one())
