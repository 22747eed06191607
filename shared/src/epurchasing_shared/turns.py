"""The turns table in SQL: open and close turns, read them, list them for auditors and actors.

A turn (:class:`epurchasing_shared.kernel.states.Turn`) is opened and closed by the unit of
work when a history entry is written; the overdue scanner (:mod:`.overdue`) flags it late.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Insert,
    Table,
    Update,
    Uuid,
    and_,
    any_,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.direct import Direct, fetch, fetchrow
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.pages import PageParams, encode_cursor
from epurchasing_shared.principal import Principal, Role


def turn_from_row(row: Any) -> Turn:
    return Turn(**{name: row[name] for name in Turn.__dataclass_fields__})


def turn_row(turn: Turn) -> dict[str, Any]:
    return {name: getattr(turn, name) for name in Turn.__dataclass_fields__}


async def open_turn_row(session: AsyncConnection, table: Table, turn: Turn) -> None:
    await session.execute(_insert_turn(table), turn_row(turn))


async def close_turn_row(
    session: AsyncConnection,
    table: Table,
    aggregate_id: UUID,
    *,
    at: datetime,
    by: str,
    action: str,
) -> None:
    params = {"of_aggregate": aggregate_id, "done_at": at, "done_by": by, "done_action": action}
    await session.execute(_close_turn(table), params)


async def open_turn_of(session: AsyncConnection, table: Table, aggregate_id: UUID) -> Turn | None:
    row = await fetchrow(session, _open_turn_of(table), {"of_aggregate": aggregate_id})
    return turn_from_row(row) if row else None


async def open_turns_of(
    session: AsyncConnection, table: Table, aggregate_ids: Iterable[UUID]
) -> dict[UUID, Turn]:
    """The open turns of many aggregates in one query (``ux_turns_open_aggregate``), by
    aggregate id; an aggregate with no open turn is absent. No query for no ids."""
    wanted = list(dict.fromkeys(aggregate_ids))
    if not wanted:
        return {}
    rows = await fetch(session, _open_turns_of(table), {"of_aggregates": wanted})
    return {row["aggregate_id"]: turn_from_row(row) for row in rows}


# Built once per table: every state change opens and closes a turn (docs/performance.md).
@cache
def _insert_turn(table: Table) -> Insert:
    return insert(table)


@cache
def _close_turn(table: Table) -> Update:
    return update(table).where(
        table.c.aggregate_id == bindparam("of_aggregate"), table.c.done_at.is_(None)
    )


@cache
def _open_turns_of(table: Table) -> Direct:
    return Direct(
        select(table).where(
            table.c.aggregate_id == any_(bindparam("of_aggregates", type_=ARRAY(Uuid))),
            table.c.done_at.is_(None),
        )
    )


@cache
def _open_turn_of(table: Table) -> Direct:
    return Direct(
        select(table).where(
            table.c.aggregate_id == bindparam("of_aggregate"), table.c.done_at.is_(None)
        )
    )


async def turns_of_procurement(
    session: AsyncConnection, table: Table, procurement_id: UUID
) -> list[Turn]:
    rows = (
        await session.execute(
            select(table)
            .where(table.c.procurement_id == procurement_id)
            .order_by(table.c.started_at, table.c.id)
        )
    ).mappings()
    return [turn_from_row(row) for row in rows]


@dataclass(frozen=True)
class TurnFilter:
    """The filters of ``GET /turns`` (all optional)."""

    overdue: bool | None = None
    late: bool | None = None  # done after its due time (or still open past it)
    actor_role: str | None = None
    actor_id: str | None = None
    work_unit: str | None = None
    started_from: datetime | None = None
    started_to: datetime | None = None


def turn_json(turn: Turn, now: datetime, calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """A turn as the API shows it (``overdue``: late at ``now``, open or done)."""
    body: dict[str, Any] = {
        "id": str(turn.id),
        "procurement_id": str(turn.procurement_id),
        "aggregate": turn.aggregate,
        "aggregate_id": str(turn.aggregate_id),
        "sop_step": turn.sop_step,
        "actor_role": turn.actor_role,
        "actor_id": turn.actor_id,
        "work_unit": turn.work_unit,
        "working_days": turn.working_days,
        "started_at": turn.started_at.isoformat(),
        "due_at": turn.due_at.isoformat(),
        "done_at": turn.done_at.isoformat() if turn.done_at else None,
        "done_by": turn.done_by,
        "done_action": turn.done_action,
        "overdue_at": turn.overdue_at.isoformat() if turn.overdue_at else None,
        "overdue": turn.overdue(now),
        "late_seconds": int(turn.late_by(now).total_seconds()),
    }
    if calendar is not None:
        end = turn.done_at or now
        body["working_days_taken"] = calendar.working_days_between(turn.started_at, end)
        body["late_working_days"] = (
            max(calendar.working_days_between(turn.due_at, end), 0) if turn.overdue(now) else 0
        )
    return body


def own_turns_condition(table: Table, principal: Principal) -> Any:
    """Which turns a caller may list: all for admins and auditors; a PPK's or official's work
    unit's; a vendor its own (turns whose actor id is its vendor id); nothing otherwise."""
    if principal.reads_everything:
        return None
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit:
        return table.c.work_unit == principal.work_unit
    if principal.role == Role.VENDOR and principal.vendor_id is not None:
        return and_(
            table.c.actor_role == Role.VENDOR.value, table.c.actor_id == str(principal.vendor_id)
        )
    return table.c.id.is_(None)  # matches nothing


async def list_turns(
    session: AsyncConnection,
    table: Table,
    principal: Principal,
    filters: TurnFilter,
    page: PageParams,
    now: datetime,
) -> tuple[list[Turn], str | None]:
    """One keyset page of turns (newest first by start, then id) and the next cursor."""
    query = select(table)
    own = own_turns_condition(table, principal)
    if own is not None:
        query = query.where(own)
    late_now = or_(
        and_(table.c.done_at.is_(None), table.c.due_at < now),
        table.c.done_at > table.c.due_at,
    )
    if filters.overdue is True:
        query = query.where(table.c.done_at.is_(None), table.c.due_at < now)
    elif filters.overdue is False:
        query = query.where(or_(table.c.done_at.isnot(None), table.c.due_at >= now))
    if filters.late is True:
        query = query.where(late_now)
    elif filters.late is False:
        query = query.where(~late_now)
    for column, value in (
        (table.c.actor_role, filters.actor_role),
        (table.c.actor_id, filters.actor_id),
        (table.c.work_unit, filters.work_unit),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.started_from is not None:
        query = query.where(table.c.started_at >= filters.started_from)
    if filters.started_to is not None:
        query = query.where(table.c.started_at < filters.started_to)
    if page.cursor:
        started, turn_id = datetime.fromisoformat(page.cursor[0]), UUID(page.cursor[1])
        query = query.where(
            or_(
                table.c.started_at < started,
                and_(table.c.started_at == started, table.c.id < turn_id),
            )
        )
    query = query.order_by(table.c.started_at.desc(), table.c.id.desc()).limit(page.limit + 1)
    rows = [turn_from_row(row) for row in (await session.execute(query)).mappings()]
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor(rows[-1].started_at.isoformat(), rows[-1].id) if more else None
    return rows, cursor
