"""Loading and saving fulfilments, and appending their shipping, payment and BAP/BAST rows.

:class:`SqlFulfilments` is the application's ``FulfilmentRepository`` on one session."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, false, func, insert, select, true, tuple_, update
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


async def _add_fulfilment(session: AsyncConnection, fulfilment: Fulfilment, now: datetime) -> None:
    await session.execute(
        insert(fulfilments).values(
            procurement_id=fulfilment.procurement_id,
            package_id=fulfilment.package_id,
            order_id=fulfilment.order_id,
            order_number=fulfilment.order_number,
            order_date=fulfilment.order_date,
            pagu=fulfilment.pagu,
            delivery_address=fulfilment.delivery_address,
            work_unit=fulfilment.work_unit,
            ppk_id=fulfilment.ppk_id,
            ppk_name=fulfilment.ppk_name,
            vendor_id=fulfilment.vendor_id,
            vendor_name=fulfilment.vendor_name,
            vendor_email=fulfilment.vendor_email,
            created_at=now,
            **_mutable_columns(fulfilment, now),
        )
    )


async def _save(session: AsyncConnection, fulfilment: Fulfilment, now: datetime) -> None:
    await session.execute(
        update(fulfilments)
        .where(fulfilments.c.procurement_id == fulfilment.procurement_id)
        .values(**_mutable_columns(fulfilment, now))
    )


async def _last_entry(session: AsyncConnection, procurement_id: UUID) -> RowMapping | None:
    query = (
        select(shipment_entries)
        .where(shipment_entries.c.procurement_id == procurement_id)
        .order_by(shipment_entries.c.entry_no.desc())
        .limit(1)
    )
    return (await session.execute(query)).mappings().first()


async def _count(session: AsyncConnection, table: Any, procurement_id: UUID) -> int:
    query = select(func.count()).select_from(table).where(table.c.procurement_id == procurement_id)
    return int((await session.execute(query)).scalar_one())


async def _load_for_update(
    session: AsyncConnection, procurement_id: UUID, *, lock: bool = True
) -> Fulfilment | None:
    """The fulfilment, locked until the end of the transaction (changes are serialised), or
    read without a lock (``lock=False``) by what only reads it."""
    query = select(fulfilments).where(fulfilments.c.procurement_id == procurement_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).mappings().first()
    if row is None:
        return None
    last = await _last_entry(session, procurement_id)
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
        last_entry=_entry(last) if last else None,
        shipment_count=last["entry_no"] if last else 0,
        payment_count=await _count(session, payments, procurement_id),
        delivered_at=row["delivered_at"],
        handed_over_at=row["handed_over_at"],
    )


def _entry(row: RowMapping) -> ShippingEntry:
    return ShippingEntry(
        status=ShipmentStatus(row["status"]),
        happened_at=row["happened_at"],
        courier=row["courier"],
        tracking_number=row["tracking_number"],
        note=row["note"],
    )


async def _add_shipment_entry(
    session: AsyncConnection,
    procurement_id: UUID,
    entry_no: int,
    entry: ShippingEntry,
    **record: Any,
) -> None:
    """Append one shipping-history row (``record``: document, recorded_by, recorded_at)."""
    await session.execute(
        insert(shipment_entries).values(
            procurement_id=procurement_id,
            entry_no=entry_no,
            status=entry.status.value,
            courier=entry.courier,
            tracking_number=entry.tracking_number,
            happened_at=entry.happened_at,
            note=entry.note,
            **record,
        )
    )


async def _add_payment(session: AsyncConnection, **values: Any) -> None:
    await session.execute(insert(payments).values(**values))


async def _add_receipt_of_goods(session: AsyncConnection, **values: Any) -> None:
    await session.execute(insert(receipts_of_goods).values(**values))


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Which fulfilments a caller may see: their work unit's, their own vendor's, or all."""
    if principal.reads_everything:
        return true()
    if principal.role is Role.PPK:
        return fulfilments.c.work_unit == principal.work_unit
    if principal.role is Role.VENDOR:
        return fulfilments.c.vendor_id == principal.vendor_id
    return false()


async def find_visible(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> RowMapping | None:
    query = select(fulfilments).where(
        and_(fulfilments.c.procurement_id == procurement_id, visible_to(principal))
    )
    return (await session.execute(query)).mappings().first()


def _open_turn_join() -> Any:
    """Each fulfilment with its open turn, if any (the partial unique index
    ``ux_turns_open_aggregate`` on ``aggregate_id`` where ``done_at IS NULL``)."""
    return fulfilments.outerjoin(
        turns,
        and_(turns.c.aggregate_id == fulfilments.c.procurement_id, turns.c.done_at.is_(None)),
    )


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
        .select_from(_open_turn_join())
        .where(and_(*conditions))
        .order_by(fulfilments.c.created_at, fulfilments.c.procurement_id)
        .limit(limit)
    )


def _with_turn(row: RowMapping) -> dict[str, Any]:
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


async def rows_of(
    session: AsyncConnection, table: Any, procurement_id: UUID, order: Any
) -> list[RowMapping]:
    query = select(table).where(table.c.procurement_id == procurement_id).order_by(order)
    return list((await session.execute(query)).mappings().all())


async def _details(session: AsyncConnection, procurement_id: UUID) -> dict[str, list[RowMapping]]:
    """The shipping history, payments and BAP/BAST rows of one fulfilment."""
    return {
        "shipments": await rows_of(
            session, shipment_entries, procurement_id, shipment_entries.c.entry_no
        ),
        "payments": await rows_of(session, payments, procurement_id, payments.c.payment_no),
        "receipts": await rows_of(
            session, receipts_of_goods, procurement_id, receipts_of_goods.c.recorded_at
        ),
    }


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

    async def details(self, procurement_id: UUID) -> dict[str, list[Row]]:
        found = await _details(self.session, procurement_id)
        return {name: [dict(row) for row in rows] for name, rows in found.items()}
