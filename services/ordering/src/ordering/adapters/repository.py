"""Packages and negotiation rounds in PostgreSQL."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, false, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal, Role
from ordering.adapters.codec import package_from_row, prices_from_json, prices_to_json
from ordering.adapters.tables import negotiation_rounds, packages
from ordering.domain.negotiation import NegotiationRound, PriceSet, RoundStatus
from ordering.domain.package import Package


async def insert_package_if_new(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert the package unless one with its id exists; True when inserted."""
    inserted = await session.execute(
        insert(packages).values(**values).on_conflict_do_nothing(index_elements=["id"])
    )
    return bool(inserted.rowcount)


async def load_package(
    session: AsyncSession, package_id: UUID, *, for_update: bool = False
) -> Package | None:
    query = select(packages).where(packages.c.id == package_id)
    if for_update:
        # Serialises concurrent actions on one package: the second sees the new state.
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    return package_from_row(row) if row else None


async def update_package(session: AsyncSession, package_id: UUID, **values: Any) -> None:
    await session.execute(update(packages).where(packages.c.id == package_id).values(**values))


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Which packages the caller may see: the work unit's official and PPK, the package's
    vendor, auditors and admins."""
    if principal.reads_everything:
        return true()
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit:
        return packages.c.work_unit == principal.work_unit
    if principal.role is Role.VENDOR and principal.vendor_id:
        return packages.c.vendor_id == principal.vendor_id
    return false()


async def list_packages(
    session: AsyncSession,
    principal: Principal,
    *,
    state: str | None,
    limit: int,
    after: tuple[datetime, UUID] | None,
) -> list[Package]:
    """A page of visible packages, oldest first, after the cursor (created_at, id)."""
    query = select(packages).where(visible_to(principal))
    if state:
        query = query.where(packages.c.state == state)
    if after:
        created_at, package_id = after
        query = query.where(
            or_(
                packages.c.created_at > created_at,
                and_(packages.c.created_at == created_at, packages.c.id > package_id),
            )
        )
    query = query.order_by(packages.c.created_at, packages.c.id).limit(limit)
    return [package_from_row(r) for r in (await session.execute(query)).mappings()]


async def created_at_of(session: AsyncSession, package_id: UUID) -> datetime:
    return (
        await session.execute(select(packages.c.created_at).where(packages.c.id == package_id))
    ).scalar_one()


def _round_from_row(row: Any) -> NegotiationRound:
    counter = None
    if row["counter_prices"] is not None:
        counter = PriceSet(prices_from_json(row["counter_prices"]), row["counter_shipping_cost"])
    return NegotiationRound(
        number=row["round"],
        proposal=PriceSet(prices_from_json(row["proposed_prices"]), row["proposed_shipping_cost"]),
        status=RoundStatus(row["status"]),
        counter=counter,
    )


async def load_rounds(session: AsyncSession, package_id: UUID) -> list[NegotiationRound]:
    rows = (
        await session.execute(
            select(negotiation_rounds)
            .where(negotiation_rounds.c.package_id == package_id)
            .order_by(negotiation_rounds.c.round)
        )
    ).mappings()
    return [_round_from_row(r) for r in rows]


async def round_rows(session: AsyncSession, package_id: UUID) -> Sequence[Any]:
    """Every round in full, for the package view."""
    return (
        (
            await session.execute(
                select(negotiation_rounds)
                .where(negotiation_rounds.c.package_id == package_id)
                .order_by(negotiation_rounds.c.round)
            )
        )
        .mappings()
        .all()
    )


async def insert_round(
    session: AsyncSession,
    package_id: UUID,
    number: int,
    proposal: PriceSet,
    *,
    by: str,
    at: datetime,
    note: str | None,
) -> None:
    await session.execute(
        insert(negotiation_rounds).values(
            package_id=package_id,
            round=number,
            proposed_prices=prices_to_json(proposal.prices),
            proposed_shipping_cost=proposal.shipping_cost,
            proposed_by=by,
            proposed_at=at,
            note=note,
            status=RoundStatus.PROPOSED.value,
        )
    )


async def answer_round(
    session: AsyncSession,
    package_id: UUID,
    number: int,
    status: RoundStatus,
    *,
    by: str,
    at: datetime,
    reason: str | None = None,
    counter: PriceSet | None = None,
) -> None:
    values: dict[str, Any] = {"status": status.value}
    if counter is not None:
        values |= {
            "counter_prices": prices_to_json(counter.prices),
            "counter_shipping_cost": counter.shipping_cost,
        }
    if status in (RoundStatus.ACCEPTED, RoundStatus.REJECTED):
        values |= {"answered_by": by, "answered_at": at, "answer_reason": reason}
    await session.execute(
        update(negotiation_rounds)
        .where(negotiation_rounds.c.package_id == package_id, negotiation_rounds.c.round == number)
        .values(**values)
    )
