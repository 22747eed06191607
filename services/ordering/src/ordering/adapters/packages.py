"""The package aggregate in PostgreSQL: packages, negotiation rounds, purchase orders and
their versions, read and written as one."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.principal import Principal, Role
from ordering.adapters import codec
from ordering.adapters.tables import (
    negotiation_rounds,
    order_versions,
    packages,
    purchase_orders,
    spine,
)
from ordering.domain.package import Package
from ordering.domain.purchase_order import PurchaseOrder

turns = spine.turns


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Which packages the caller may see, as SQL (the same rule as Package.visible_to)."""
    if principal.reads_everything:
        return true()
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit:
        return packages.c.work_unit == principal.work_unit
    if principal.role is Role.VENDOR and principal.vendor_id:
        return packages.c.vendor_id == principal.vendor_id
    return false()


def my_turn(principal: Principal) -> ColumnElement[bool]:
    """The open turns that are the caller's own: a PPK's or official's by role, user id and
    work unit; a vendor's by its vendor id (any user of the vendor); no one else has turns."""
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit:
        return and_(
            turns.c.actor_role == principal.role.value,
            turns.c.actor_id == principal.sub,
            turns.c.work_unit == principal.work_unit,
        )
    if principal.role is Role.VENDOR and principal.vendor_id:
        return and_(
            turns.c.actor_role == Role.VENDOR.value, turns.c.actor_id == str(principal.vendor_id)
        )
    return false()


def list_query(
    principal: Principal,
    *,
    state: str | None,
    limit: int,
    after: tuple[datetime, UUID] | None,
    overdue: bool | None = None,
    mine: bool = False,
    now: datetime,
) -> Select[Any]:
    """One keyset page of the packages ``principal`` may see, oldest first: a walk of
    (created_at, id) within the caller's filter (``ix_packages_work_unit_created``,
    ``ix_packages_vendor_created``, ``ix_packages_state_created`` or ``ix_packages_listing``),
    the cursor a row comparison the index starts from."""
    query = select(packages).where(visible_to(principal))
    if overdue is not None or mine:
        # The package's open turn: at most one (ux_turns_open_aggregate, also the index
        # the join uses); an outer join when "not overdue" includes no one's turn.
        open_turn = and_(turns.c.aggregate_id == packages.c.id, turns.c.done_at.is_(None))
        query = query.select_from(
            packages.outerjoin(turns, open_turn)
            if overdue is False and not mine
            else packages.join(turns, open_turn)
        )
        if mine:
            query = query.where(my_turn(principal))
        if overdue is True:
            query = query.where(turns.c.due_at < now)
        elif overdue is False:
            query = query.where(or_(turns.c.id.is_(None), turns.c.due_at >= now))
    if state:
        query = query.where(packages.c.state == state)
    if after:
        query = query.where(tuple_(packages.c.created_at, packages.c.id) > tuple_(*after))
    return query.order_by(packages.c.created_at, packages.c.id).limit(limit)


class SqlPackages:
    def __init__(self, session: AsyncConnection, now: Callable[[], datetime]) -> None:
        self.session = session
        self.now = now

    async def get(self, package_id: UUID, *, for_update: bool = False) -> Package | None:
        query = select(packages).where(packages.c.id == package_id)
        if for_update:
            # Serialises concurrent actions on one package: the second sees the new state.
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        rounds = (
            await self.session.execute(
                select(negotiation_rounds)
                .where(negotiation_rounds.c.package_id == package_id)
                .order_by(negotiation_rounds.c.round)
            )
        ).mappings()
        round_list = [codec.round_from_row(r) for r in rounds]
        return codec.package_from_row(row, round_list, await self._order(package_id))

    async def _order(self, package_id: UUID) -> PurchaseOrder | None:
        query = select(purchase_orders).where(purchase_orders.c.package_id == package_id)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        versions = (
            await self.session.execute(
                select(order_versions)
                .where(order_versions.c.order_id == row["id"])
                .order_by(order_versions.c.version)
            )
        ).mappings()
        return codec.order_from_row(row, [codec.version_from_row(v) for v in versions])

    async def add_if_new(self, package: Package) -> bool:
        values = codec.package_to_row(package) | {"updated_at": self.now()}
        inserted = await self.session.execute(
            insert(packages).values(**values).on_conflict_do_nothing(index_elements=["id"])
        )
        return bool(inserted.rowcount)  # type: ignore[attr-defined]

    async def save(self, package: Package) -> None:
        values = codec.package_to_row(package) | {"updated_at": self.now()}
        await self.session.execute(
            update(packages).where(packages.c.id == package.id).values(**values)
        )
        for r in package.rounds:
            row = codec.round_to_row(package.id, r)
            await self.session.execute(
                insert(negotiation_rounds)
                .values(**row)
                .on_conflict_do_update(index_elements=["package_id", "round"], set_=row)
            )
        if package.order is not None:
            await self._save_order(package.id, package.order)

    async def _save_order(self, package_id: UUID, order: PurchaseOrder) -> None:
        row = codec.order_to_row(package_id, order)
        await self.session.execute(
            insert(purchase_orders)
            .values(**row)
            .on_conflict_do_update(index_elements=["id"], set_=row)
        )
        for version in order.versions:  # versions never change once signed
            await self.session.execute(
                insert(order_versions)
                .values(**codec.version_to_row(order.id, version))
                .on_conflict_do_nothing(index_elements=["order_id", "version"])
            )

    async def list_visible(
        self,
        principal: Principal,
        *,
        state: str | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
        overdue: bool | None = None,
        mine: bool = False,
        now: datetime | None = None,
    ) -> list[Package]:
        query = list_query(
            principal,
            state=state,
            limit=limit,
            after=after,
            overdue=overdue,
            mine=mine,
            now=now or self.now(),
        )
        rows = (await self.session.execute(query)).mappings()
        return [codec.package_from_row(r) for r in rows]


async def visible_package_ids(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> set[UUID]:
    """The procurement's packages the caller may see."""
    query = select(packages.c.id).where(
        packages.c.procurement_id == procurement_id, visible_to(principal)
    )
    return set((await session.execute(query)).scalars())
