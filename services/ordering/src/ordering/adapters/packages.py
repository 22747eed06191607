"""The package aggregate in PostgreSQL: packages, negotiation rounds, purchase orders and
their versions, read and written as one."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.db import locked_row_is_current
from epurchasing_shared.direct import Direct, execute, fetchrow
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.turns import turn_from_row
from ordering.adapters import codec
from ordering.adapters.mail_outbox import email_from_row, of_package
from ordering.adapters.tables import (
    negotiation_rounds,
    order_versions,
    packages,
    purchase_orders,
    spine,
    vendor_emails,
)
from ordering.application.ports import ShownPackage
from ordering.domain.package import Package

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
    procurement_id: UUID | None,
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
    if procurement_id is not None:  # ix_packages_procurement_id: a few at most
        query = query.where(packages.c.procurement_id == procurement_id)
    if state:
        query = query.where(packages.c.state == state)
    if after:
        query = query.where(tuple_(packages.c.created_at, packages.c.id) > tuple_(*after))
    return query.order_by(packages.c.created_at, packages.c.id).limit(limit)


# The aggregate in one statement: the package, its order (a lateral join: at most one), its
# rounds and its order's versions (JSON arrays of their rows, in order, decoded by ``codec``).
# The load and the writes run at every step: sent to the driver directly (direct.py).
_KEY = bindparam("package_key", type_=Uuid)
PO = "po_"  # the purchase order's columns in a load row, labelled po_<column>
_order = (
    select(purchase_orders)
    .where(purchase_orders.c.package_id == packages.c.id)
    .lateral("purchase_order")
)


def _rows_of(table: Any, condition: Any, order: Any, name: str) -> Any:
    """The rows of ``table`` meeting ``condition``, a JSON array ordered by ``order``."""
    row = table.alias(f"{name}_row")
    rows = func.json_agg(aggregate_order_by(row.table_valued(), row.c[order]))
    query = select(rows).where(condition(row))
    return query.scalar_subquery().label(name)


_rounds = _rows_of(
    negotiation_rounds, lambda row: row.c.package_id == packages.c.id, "round", "rounds"
)
_versions = _rows_of(
    order_versions, lambda row: row.c.order_id == _order.c.id, "version", "versions"
)
# Read again after a lock wait (db.locked_row_is_current): every change saves the package
# row (``save``).
_fresh = locked_row_is_current(packages, "id")
_aggregate: list[Any] = [packages, *[column.label(f"{PO}{column.name}") for column in _order.c]]
_with_order = packages.outerjoin(_order, true())
_load = (
    select(*_aggregate, _rounds, _versions, _fresh)
    .select_from(_with_order)
    .where(packages.c.id == _KEY)
)
_LOAD = Direct(_load)
_LOAD_FOR_UPDATE = Direct(_load.with_for_update(of=packages))

# GET /packages/{id}, polled by the actors: the aggregate with its open turn and its step-15
# e-mail (lateral joins: at most one each, ux_turns_open_aggregate and
# ux_vendor_emails_package_processed), one statement where there were three.
TURN, EMAIL = "turn_", "email_"  # their columns in a row, labelled turn_<column>, email_<column>
_turn = (
    select(turns)
    .where(turns.c.aggregate_id == packages.c.id, turns.c.done_at.is_(None))
    .lateral("open_turn")
)
_email = of_package(packages.c.id).lateral("vendor_email")
_SHOWN = Direct(
    select(
        *_aggregate,
        _rounds,
        _versions,
        *[column.label(f"{TURN}{column.name}") for column in _turn.c],
        *[column.label(f"{EMAIL}{column.name}") for column in _email.c],
    )
    .select_from(_with_order.outerjoin(_turn, true()).outerjoin(_email, true()))
    .where(packages.c.id == _KEY)
)

# The writes, built once (their values bound at execution). An ``insert(table)`` without
# values takes every column: the codec's rows have them all (no server defaults here).
_ADD = Direct(insert(packages).on_conflict_do_nothing(index_elements=["id"]))
_SET = [column.name for column in packages.c if column.name != "id"]
_UPDATE = Direct(
    update(packages)
    .where(packages.c.id == _KEY)
    .values({name: bindparam(f"set_{name}") for name in _SET})
)


def _upsert(table: Any, keys: list[str]) -> Direct:
    statement = insert(table)
    changing = {c.name: statement.excluded[c.name] for c in table.c if c.name not in keys}
    return Direct(statement.on_conflict_do_update(index_elements=keys, set_=changing))


_UPSERT_ROUND = _upsert(negotiation_rounds, ["package_id", "round"])
_UPSERT_ORDER = _upsert(purchase_orders, ["id"])
# Versions never change once signed.
_ADD_VERSION = Direct(
    insert(order_versions).on_conflict_do_nothing(index_elements=["order_id", "version"])
)


@dataclass
class _Stored:
    """A package's rounds, order and versions as loaded (or last saved) in this unit of work,
    as rows: a save writes only what differs."""

    rounds: dict[int, dict[str, Any]] = field(default_factory=dict)
    order: dict[str, Any] | None = None
    versions: set[tuple[UUID, int]] = field(default_factory=set)

    @classmethod
    def of(cls, package: Package) -> "_Stored":
        order = package.order
        return cls(
            rounds={r.number: codec.round_to_row(package.id, r) for r in package.rounds},
            order=codec.order_to_row(package.id, order) if order else None,
            versions={(order.id, v.version) for v in order.versions} if order else set(),
        )


class SqlPackages:
    def __init__(self, session: AsyncConnection, now: Callable[[], datetime]) -> None:
        self.session = session
        self.now = now
        self._stored: dict[UUID, _Stored] = {}

    async def get(self, package_id: UUID, *, for_update: bool = False) -> Package | None:
        """One statement (two when it waited for a concurrent change: ``_fresh``); a lock
        ``for_update`` serialises concurrent actions on one package."""
        query = _LOAD_FOR_UPDATE if for_update else _LOAD
        params = {"package_key": package_id}
        row = await fetchrow(self.session, query, params)
        if row is not None and not row["fresh"]:
            row = await fetchrow(self.session, query, params)
        return self._loaded(row) if row is not None else None

    async def get_shown(self, package_id: UUID) -> ShownPackage | None:
        """One statement: the aggregate, its open turn and its step-15 e-mail."""
        row = await fetchrow(self.session, _SHOWN, {"package_key": package_id})
        if row is None:
            return None
        turn = None
        if row[f"{TURN}id"] is not None:
            turn = turn_from_row({c.name: row[f"{TURN}{c.name}"] for c in turns.c})
        email = None
        if row[f"{EMAIL}message_id"] is not None:
            email = email_from_row({c.name: row[f"{EMAIL}{c.name}"] for c in vendor_emails.c})
        return ShownPackage(self._loaded(row), turn, email)

    def _loaded(self, row: Any) -> Package:
        """The aggregate of a load row, remembered as loaded (``save`` writes what differs)."""
        rounds = codec.rows_from_json(negotiation_rounds, row["rounds"])
        order = None
        if row[f"{PO}id"] is not None:
            versions = codec.rows_from_json(order_versions, row["versions"])
            order = codec.order_from_row(
                {c.name: row[f"{PO}{c.name}"] for c in purchase_orders.c},
                [codec.version_from_row(v) for v in versions],
            )
        package = codec.package_from_row(row, [codec.round_from_row(r) for r in rounds], order)
        self._stored[package.id] = _Stored.of(package)
        return package

    async def add_if_new(self, package: Package) -> bool:
        values = codec.package_to_row(package) | {"updated_at": self.now()}
        return bool(await execute(self.session, _ADD, values))

    async def save(self, package: Package) -> None:
        """The package row, and what changed of its rounds, order and versions since it was
        loaded in this unit of work (all of them for a package not loaded here)."""
        values = codec.package_to_row(package) | {"updated_at": self.now()}
        params = {"package_key": package.id} | {f"set_{name}": values[name] for name in _SET}
        await execute(self.session, _UPDATE, params)
        stored = self._stored.get(package.id, _Stored())
        now = _Stored.of(package)
        # One statement per changed row: a step changes or adds one round, adds one version.
        for number, row in now.rounds.items():
            if stored.rounds.get(number) != row:
                await execute(self.session, _UPSERT_ROUND, row)
        order = package.order
        if order is not None:
            if now.order != stored.order:
                await execute(self.session, _UPSERT_ORDER, now.order)
            for v in order.versions:
                if (order.id, v.version) not in stored.versions:
                    await execute(self.session, _ADD_VERSION, codec.version_to_row(order.id, v))
        self._stored[package.id] = now

    async def list_visible(
        self,
        principal: Principal,
        *,
        procurement_id: UUID | None,
        state: str | None,
        limit: int,
        after: tuple[datetime, UUID] | None,
        overdue: bool | None = None,
        mine: bool = False,
        now: datetime | None = None,
    ) -> list[Package]:
        query = list_query(
            principal,
            procurement_id=procurement_id,
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
