"""Purchase orders, their versions and the order-number counters in PostgreSQL."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ordering.adapters.codec import line_from_json, lines_to_json
from ordering.adapters.tables import order_number_counters, order_versions, purchase_orders
from ordering.domain.purchase_order import OrderTerms


async def next_order_seq(session: AsyncSession, work_unit: str, year: int) -> int:
    """The next sequence number of (work unit, year). The upsert takes the counter row's lock
    until commit, so concurrent orders of one work unit get distinct numbers."""
    statement = (
        insert(order_number_counters)
        .values(work_unit=work_unit, year=year, last_seq=1)
        .on_conflict_do_update(
            index_elements=["work_unit", "year"],
            set_={"last_seq": order_number_counters.c.last_seq + 1},
        )
        .returning(order_number_counters.c.last_seq)
    )
    return int((await session.execute(statement)).scalar_one())


async def insert_order(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(purchase_orders).values(**values))


async def insert_order_version(
    session: AsyncSession,
    order_id: UUID,
    version: int,
    terms: OrderTerms,
    *,
    document_id: UUID,
    by: str,
    at: datetime,
    reason: str | None = None,
) -> None:
    await session.execute(
        insert(order_versions).values(
            order_id=order_id,
            version=version,
            lines=lines_to_json(terms.lines),
            shipping_cost=terms.shipping_cost,
            total=terms.total,
            delivery_deadline=terms.delivery_deadline,
            signatory=terms.signatory,
            terms=terms.terms,
            reason=reason,
            document_id=document_id,
            created_by=by,
            created_at=at,
        )
    )


async def load_order(session: AsyncSession, package_id: UUID) -> Any | None:
    return (
        (
            await session.execute(
                select(purchase_orders).where(purchase_orders.c.package_id == package_id)
            )
        )
        .mappings()
        .first()
    )


async def load_versions(session: AsyncSession, order_id: UUID) -> Sequence[Any]:
    return (
        (
            await session.execute(
                select(order_versions)
                .where(order_versions.c.order_id == order_id)
                .order_by(order_versions.c.version)
            )
        )
        .mappings()
        .all()
    )


def terms_from_row(row: Any) -> OrderTerms:
    return OrderTerms(
        lines=tuple(line_from_json(x) for x in row["lines"]),
        shipping_cost=row["shipping_cost"],
        delivery_deadline=row["delivery_deadline"],
        signatory=row["signatory"],
        terms=row["terms"],
    )


async def set_order(session: AsyncSession, order_id: UUID, **values: Any) -> None:
    await session.execute(
        update(purchase_orders).where(purchase_orders.c.id == order_id).values(**values)
    )
