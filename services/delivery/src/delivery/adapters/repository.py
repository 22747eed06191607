"""Loading and saving fulfilments, and appending their shipping, payment and BAP/BAST rows.

:class:`SqlFulfilments` is the application's ``FulfilmentRepository`` on one session."""

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, cast
from uuid import UUID

import asyncpg
from sqlalchemy import (
    ColumnElement,
    DateTime,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    false,
    func,
    insert,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from delivery.adapters.tables import (
    fulfilments,
    payments,
    receipts_of_goods,
    shipment_entries,
    spine,
)
from delivery.application.ports import Row
from delivery.domain.fulfilment import Fulfilment, OrderTerms
from delivery.domain.shipping import ShipmentStatus, ShippingEntry
from delivery.domain.states import FulfilmentState
from epurchasing_shared.clock import Clock
from epurchasing_shared.db import locked_row_is_current
from epurchasing_shared.direct import Direct, execute, fetchone, fetchrow
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.turns import turn_from_row

turns = spine.turns
TURN = "turn_"  # the open turn's columns in a list row, labelled turn_<column>


def _terms_columns(terms: OrderTerms) -> dict[str, Any]:
    return {
        "order_version": terms.version,
        "order_total": terms.total,
        "shipping_cost": terms.shipping_cost,
        "delivery_deadline": terms.delivery_deadline,
        "lines": list(terms.lines),
    }


def _mutable_columns(fulfilment: Fulfilment, now: datetime) -> dict[str, Any]:
    return {
        **_terms_columns(fulfilment.order),
        "state": fulfilment.state.value,
        "version": fulfilment.version,
        "paid_total": fulfilment.paid_total,
        "delivered_at": fulfilment.delivered_at,
        "handed_over_at": fulfilment.handed_over_at,
        "ppk_email": fulfilment.ppk_email,
        "updated_at": now,
    }


# The columns a save writes (``_mutable_columns``).
_MUTABLE = (
    "order_version",
    "order_total",
    "shipping_cost",
    "delivery_deadline",
    "lines",
    "state",
    "version",
    "paid_total",
    "delivered_at",
    "handed_over_at",
    "ppk_email",
    "updated_at",
)


# The statements of a fulfilment's load, save and detail are built once, their values bound at
# execution (``fulfilment_id`` and the ``set_<column>`` of a save): building them per call
# cost more CPU than running them (docs/performance.md). Every step runs them, so they are
# sent to the driver directly (epurchasing_shared.direct), past SQLAlchemy's execution layer;
# an insert compiled once takes every column of its table, each given by its caller.
_ID = bindparam("fulfilment_id", type_=Uuid)
_SETS: dict[str, Any] = {name: bindparam(f"set_{name}") for name in _MUTABLE}
_INSERT_FULFILMENT = Direct(insert(fulfilments))
_INSERT_SHIPMENT_ENTRY = Direct(insert(shipment_entries))
_INSERT_PAYMENT = Direct(insert(payments))
_INSERT_RECEIPT_OF_GOODS = Direct(insert(receipts_of_goods))
_UPDATE = update(fulfilments).where(fulfilments.c.procurement_id == _ID).values(_SETS)
_SAVE = Direct(_UPDATE)


def _set_values(fulfilment: Fulfilment, now: datetime) -> dict[str, Any]:
    """The parameters of ``_UPDATE`` (and of ``_SAVE_AND_READ``, which holds it)."""
    values = _mutable_columns(fulfilment, now)
    return {"fulfilment_id": fulfilment.procurement_id} | {
        f"set_{name}": values[name] for name in _MUTABLE
    }


async def _add_fulfilment(session: AsyncConnection, fulfilment: Fulfilment, now: datetime) -> None:
    await execute(
        session,
        _INSERT_FULFILMENT,
        {
            "procurement_id": fulfilment.procurement_id,
            "package_id": fulfilment.package_id,
            "order_id": fulfilment.order_id,
            "order_number": fulfilment.order_number,
            "order_date": fulfilment.order_date,
            "pagu": fulfilment.pagu,
            "delivery_address": fulfilment.delivery_address,
            "work_unit": fulfilment.work_unit,
            "ppk_id": fulfilment.ppk_id,
            "ppk_name": fulfilment.ppk_name,
            "vendor_id": fulfilment.vendor_id,
            "vendor_name": fulfilment.vendor_name,
            "vendor_email": fulfilment.vendor_email,
            "created_at": now,
            **_mutable_columns(fulfilment, now),
        },
    )


async def _save(session: AsyncConnection, fulfilment: Fulfilment, now: datetime) -> None:
    await execute(session, _SAVE, _set_values(fulfilment, now))


# The aggregate in one statement: the fulfilment, its last shipping entry (a lateral join: the
# entry numbers count the entries) and how many payments it has; locked, or not.
_LAST = "last_"  # the last shipping entry's columns in a load row, labelled last_<column>
_last_entry = (
    select(shipment_entries)
    .where(shipment_entries.c.procurement_id == fulfilments.c.procurement_id)
    .order_by(shipment_entries.c.entry_no.desc())
    .limit(1)
    .lateral("last_entry")
)
_payment_count = (
    select(func.count())
    .select_from(payments)
    .where(payments.c.procurement_id == fulfilments.c.procurement_id)
    .scalar_subquery()
    .label("payment_count")
)
# Read again after a lock wait (db.locked_row_is_current): every change of the entries or
# payments also saves the fulfilment (``answer``).
_fresh = locked_row_is_current(fulfilments, "procurement_id")
_load = (
    select(
        fulfilments,
        *[column.label(f"{_LAST}{column.name}") for column in _last_entry.c],
        _payment_count,
        _fresh,
    )
    .select_from(fulfilments.outerjoin(_last_entry, true()))
    .where(fulfilments.c.procurement_id == _ID)
)
_LOAD = Direct(_load)
_LOAD_FOR_UPDATE = Direct(_load.with_for_update(of=fulfilments))


async def _load_for_update(
    session: AsyncConnection, procurement_id: UUID, *, lock: bool = True
) -> Fulfilment | None:
    """The fulfilment, locked until the end of the transaction (changes are serialised), or
    read without a lock (``lock=False``) by what only reads it: one statement, two when it
    waited for a concurrent change (``_fresh``)."""
    query = _LOAD_FOR_UPDATE if lock else _LOAD
    params = {"fulfilment_id": procurement_id}
    row = await fetchrow(session, query, params)
    if row is not None and not row["fresh"]:
        row = await fetchrow(session, query, params)
    if row is None:
        return None
    last = row[f"{_LAST}entry_no"]
    return Fulfilment(
        procurement_id=row["procurement_id"],
        package_id=row["package_id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        work_unit=row["work_unit"],
        ppk_id=row["ppk_id"],
        ppk_name=row["ppk_name"],
        vendor_id=row["vendor_id"],
        vendor_name=row["vendor_name"],
        order=OrderTerms(
            version=row["order_version"],
            total=row["order_total"],
            shipping_cost=row["shipping_cost"],
            delivery_deadline=row["delivery_deadline"],
            lines=tuple(row["lines"]),
        ),
        order_date=row["order_date"],
        pagu=row["pagu"],
        delivery_address=row["delivery_address"],
        vendor_email=row["vendor_email"],
        ppk_email=row["ppk_email"],
        state=FulfilmentState(row["state"]),
        version=row["version"],
        paid_total=row["paid_total"],
        last_entry=_entry(row) if last is not None else None,
        shipment_count=last or 0,
        payment_count=row["payment_count"],
        delivered_at=row["delivered_at"],
        handed_over_at=row["handed_over_at"],
    )


def _entry(row: asyncpg.Record) -> ShippingEntry:
    return ShippingEntry(
        status=ShipmentStatus(row[f"{_LAST}status"]),
        happened_at=row[f"{_LAST}happened_at"],
        courier=row[f"{_LAST}courier"],
        tracking_number=row[f"{_LAST}tracking_number"],
        note=row[f"{_LAST}note"],
    )


async def _add_shipment_entry(
    session: AsyncConnection,
    procurement_id: UUID,
    entry_no: int,
    entry: ShippingEntry,
    **record: Any,
) -> None:
    """Append one shipping-history row (``record``: document, recorded_by, recorded_at)."""
    await execute(
        session,
        _INSERT_SHIPMENT_ENTRY,
        {
            "procurement_id": procurement_id,
            "entry_no": entry_no,
            "status": entry.status.value,
            "courier": entry.courier,
            "tracking_number": entry.tracking_number,
            "happened_at": entry.happened_at,
            "note": entry.note,
            "document": None,
            **record,
        },
    )


async def _add_payment(session: AsyncConnection, **values: Any) -> None:
    await execute(session, _INSERT_PAYMENT, {"note": None, **values})


async def _add_receipt_of_goods(session: AsyncConnection, **values: Any) -> None:
    await execute(session, _INSERT_RECEIPT_OF_GOODS, {"note": None, **values})


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Which fulfilments a caller may see: their work unit's, their own vendor's, or all."""
    if principal.reads_everything:
        return true()
    if principal.role is Role.PPK:
        return fulfilments.c.work_unit == principal.work_unit
    if principal.role is Role.VENDOR:
        return fulfilments.c.vendor_id == principal.vendor_id
    return false()


# Who may see a fulfilment, on bound values (``visible_to`` on the caller's own): any of them
# (auditors, admins), a work unit's (its PPKs), a vendor's own (its users); no one else any.
def _visibility(principal: Principal) -> tuple[str, dict[str, Any]] | None:
    if principal.reads_everything:
        return "all", {}
    if principal.role is Role.PPK:
        return "work_unit", {"work_unit": principal.work_unit}
    if principal.role is Role.VENDOR:
        return "vendor", {"vendor_id": principal.vendor_id}
    return None


_VISIBLE: dict[str, ColumnElement[bool]] = {
    "all": true(),
    "work_unit": fulfilments.c.work_unit == bindparam("work_unit", type_=String),
    "vendor": fulfilments.c.vendor_id == bindparam("vendor_id", type_=Uuid),
}
_FIND_VISIBLE = {
    kind: Direct(select(fulfilments).where(fulfilments.c.procurement_id == _ID, visible))
    for kind, visible in _VISIBLE.items()
}

# The children of a detail, each a JSON array of its rows in order (NULL for none), decoded by
# ``_decoded`` into the rows a plain read of its table gives.
CHILDREN: dict[str, Table] = {
    "shipments": shipment_entries,
    "payments": payments,
    "receipts": receipts_of_goods,
}
_CHILD_ORDER = {
    "shipments": shipment_entries.c.entry_no,
    "payments": payments.c.payment_no,
    "receipts": receipts_of_goods.c.recorded_at,
}


def _children(procurement_id: ColumnElement[Any]) -> list[Any]:
    """The three children of the fulfilment ``procurement_id`` names, as labelled scalar
    subqueries (each on its table's unique (procurement_id, …) index)."""
    columns = []
    for name, table in CHILDREN.items():
        row = table.alias(f"{name}_row")
        order = row.c[_CHILD_ORDER[name].name]
        rows = func.json_agg(aggregate_order_by(row.table_valued(), order))
        query = select(rows).where(row.c.procurement_id == procurement_id)
        columns.append(query.scalar_subquery().label(name))
    return columns


_TURN_COLUMNS = [column.label(f"{TURN}{column.name}") for column in turns.c]


def _open_turn_of(source: Any) -> Any:
    """``source`` (fulfilments, or the saved row) with its open turn, if any (the partial
    unique index ``ux_turns_open_aggregate`` on ``aggregate_id`` where ``done_at IS NULL``)."""
    return source.outerjoin(
        turns,
        and_(turns.c.aggregate_id == source.c.procurement_id, turns.c.done_at.is_(None)),
    )


_DETAIL = {
    kind: Direct(
        select(fulfilments, *_TURN_COLUMNS, *_children(fulfilments.c.procurement_id))
        .select_from(_open_turn_of(fulfilments))
        .where(fulfilments.c.procurement_id == _ID, visible)
    )
    for kind, visible in _VISIBLE.items()
}
# A step's answer: the UPDATE, and the row it wrote with its children (the entries, payments
# and receipts the step added earlier in the transaction are seen). Not its turn: the unit of
# work may hold the step's turn writes until commit (``uow.open_turn`` sends them first).
_saved = _UPDATE.returning(*fulfilments.c).cte("saved")
_SAVE_AND_READ = Direct(select(_saved, *_children(_saved.c.procurement_id)))
_DETAILS = Direct(select(*_children(_ID)))


@cache
def _typed(table: Table) -> tuple[list[str], list[str]]:
    """The columns of ``table`` that JSON carries as text: its times and its ids."""
    times = [column.name for column in table.c if isinstance(column.type, DateTime)]
    ids = [column.name for column in table.c if isinstance(column.type, Uuid)]
    return times, ids


def _decoded(table: Table, items: list[dict[str, Any]] | None) -> list[Row]:
    """The rows of a JSON array of ``table``'s rows, as a plain read of the table gives them:
    times as aware datetimes in UTC (as asyncpg reads them), ids as UUIDs."""
    times, ids = _typed(table)
    for item in items or ():
        for name in times:
            if item[name] is not None:
                item[name] = datetime.fromisoformat(item[name]).astimezone(UTC)
        for name in ids:
            if item[name] is not None:
                item[name] = UUID(item[name])
    return cast(list[Row], items or [])


def _with_children(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The row with its ``shipments``, ``payments`` and ``receipts`` rows decoded, in order."""
    return {**row} | {name: _decoded(table, row[name]) for name, table in CHILDREN.items()}


def _detail_row(row: asyncpg.Record) -> Row:
    """A detail row: the fulfilment's columns, ``turn`` (its open Turn or None), and its
    ``shipments``, ``payments`` and ``receipts`` rows in order."""
    return _with_children(_with_turn(row))


async def find_visible(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> asyncpg.Record | None:
    return await _one_visible(session, _FIND_VISIBLE, principal, procurement_id)


async def _one_visible(
    session: AsyncConnection,
    statements: Mapping[str, Direct],
    principal: Principal,
    procurement_id: UUID,
) -> asyncpg.Record | None:
    """The row of ``statements`` (one per kind of visibility) the caller may see, if any."""
    visibility = _visibility(principal)
    if visibility is None:
        return None
    kind, params = visibility
    return await fetchrow(session, statements[kind], {"fulfilment_id": procurement_id, **params})


def mine_condition(principal: Principal) -> ColumnElement[bool]:
    """The open turn is the caller's (``domain.fulfilment.holds_turn`` in SQL): a vendor's by
    its vendor id, a PPK's by work unit and user id (``ix_turns_actor``); no one else's."""
    if principal.role is Role.VENDOR and principal.vendor_id is not None:
        return and_(
            turns.c.actor_role == Role.VENDOR.value,
            turns.c.actor_id == str(principal.vendor_id),
        )
    if principal.role is Role.PPK and principal.work_unit:
        return and_(
            turns.c.actor_role == Role.PPK.value,
            turns.c.actor_id == principal.sub,
            turns.c.work_unit == principal.work_unit,
        )
    return false()


def list_query(
    principal: Principal,
    *,
    state: str | None,
    after: tuple[datetime, UUID] | None,
    limit: int,
    overdue: bool | None = None,
    mine: bool = False,
    now: datetime | None = None,
) -> Any:
    """One page of the fulfilments the caller may see with their open turns, oldest first:
    a walk of (created_at, procurement_id) within the caller's filter
    (``ix_fulfilments_work_unit_created``, ``ix_fulfilments_vendor_created``,
    ``ix_fulfilments_state_created`` or ``ix_fulfilments_created``)."""
    conditions = [visible_to(principal)]
    if state:
        conditions.append(fulfilments.c.state == state)
    if overdue is not None:
        assert now is not None, "overdue is judged at a time"
        late = and_(turns.c.id.isnot(None), turns.c.due_at < now)
        conditions.append(late if overdue else ~late)
    if mine:
        conditions.append(mine_condition(principal))
    if after:  # a row comparison: the index walk starts at the cursor
        keyset = tuple_(fulfilments.c.created_at, fulfilments.c.procurement_id)
        conditions.append(keyset > tuple_(*after))
    turn_columns = [column.label(f"{TURN}{column.name}") for column in turns.c]
    return (
        select(fulfilments, *turn_columns)
        .select_from(_open_turn_of(fulfilments))
        .where(and_(*conditions))
        .order_by(fulfilments.c.created_at, fulfilments.c.procurement_id)
        .limit(limit)
    )


def _with_turn(row: RowMapping | asyncpg.Record) -> dict[str, Any]:
    """A list row: the fulfilment's columns, and ``turn`` (its open Turn or None)."""
    own = {key: value for key, value in row.items() if not key.startswith(TURN)}
    turn: Turn | None = None
    if row[f"{TURN}id"] is not None:
        turn = turn_from_row({c.name: row[f"{TURN}{c.name}"] for c in turns.c})
    return {**own, "turn": turn}


async def _list_visible(
    session: AsyncConnection, principal: Principal, **filters: Any
) -> list[Row]:
    """One page of the fulfilments the caller may see (with their open turns), oldest first."""
    rows = (await session.execute(list_query(principal, **filters))).mappings().all()
    return [_with_turn(row) for row in rows]


async def _detail_visible(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> Row | None:
    """The fulfilment the caller may see, with its open turn and its children, in one read."""
    row = await _one_visible(session, _DETAIL, principal, procurement_id)
    return _detail_row(row) if row is not None else None


async def _save_and_read(session: AsyncConnection, fulfilment: Fulfilment, now: datetime) -> Row:
    """Save the fulfilment and read back its row and children in the same statement."""
    return _with_children(await fetchone(session, _SAVE_AND_READ, _set_values(fulfilment, now)))


async def _details(session: AsyncConnection, procurement_id: UUID) -> dict[str, list[Row]]:
    """The shipping history, payments and BAP/BAST rows of one fulfilment, in one read."""
    row = await fetchone(session, _DETAILS, {"fulfilment_id": procurement_id})  # NULL: none
    return {name: _decoded(table, row[name]) for name, table in CHILDREN.items()}


async def can_see_procurement(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> bool:
    """The history of a procurement is visible to whoever may see its fulfilment."""
    return await find_visible(session, principal, procurement_id) is not None


class SqlFulfilments:
    """The fulfilments of one unit of work's session (``now`` stamps ``updated_at``)."""

    def __init__(self, session: AsyncConnection, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    async def get_for_update(self, procurement_id: UUID) -> Fulfilment | None:
        return await _load_for_update(self.session, procurement_id)

    async def get(self, procurement_id: UUID) -> Fulfilment | None:
        return await _load_for_update(self.session, procurement_id, lock=False)

    async def add(self, fulfilment: Fulfilment) -> None:
        await _add_fulfilment(self.session, fulfilment, self.clock.now())

    async def save(self, fulfilment: Fulfilment) -> None:
        await _save(self.session, fulfilment, self.clock.now())

    async def add_shipment_entry(
        self, procurement_id: UUID, entry_no: int, entry: ShippingEntry, **record: Any
    ) -> None:
        await _add_shipment_entry(self.session, procurement_id, entry_no, entry, **record)

    async def add_payment(self, **values: Any) -> None:
        await _add_payment(self.session, **values)

    async def add_receipt_of_goods(self, **values: Any) -> None:
        await _add_receipt_of_goods(self.session, **values)

    async def find_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        row = await find_visible(self.session, principal, procurement_id)
        return dict(row) if row is not None else None

    async def list_visible(
        self,
        principal: Principal,
        *,
        state: str | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
        overdue: bool | None = None,
        mine: bool = False,
        now: datetime | None = None,
    ) -> list[Row]:
        return await _list_visible(
            self.session,
            principal,
            state=state,
            after=after,
            limit=limit,
            overdue=overdue,
            mine=mine,
            now=now,
        )

    async def detail_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        return await _detail_visible(self.session, principal, procurement_id)

    async def save_and_read(self, fulfilment: Fulfilment) -> Row:
        return await _save_and_read(self.session, fulfilment, self.clock.now())

    async def details(self, procurement_id: UUID) -> dict[str, list[Row]]:
        return await _details(self.session, procurement_id)
