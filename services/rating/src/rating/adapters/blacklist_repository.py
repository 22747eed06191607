"""Blacklist entries in PostgreSQL: the SQL side of the use cases' repository."""

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, insert, not_, or_, select, tuple_, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from rating.adapters.tables import blacklist_entries
from rating.application.ports import After
from rating.domain.blacklist import BlacklistEntry

_FIELDS = tuple(column.name for column in blacklist_entries.columns)


def _from_row(row: RowMapping) -> BlacklistEntry:
    return BlacklistEntry(**{name: row[name] for name in _FIELDS})


def _to_row(entry: BlacklistEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in _FIELDS}


def active_on(today: date) -> Any:
    """The SQL twin of BlacklistEntry.is_active_on (kept beside it in the tests)."""
    table = blacklist_entries.c
    return and_(
        table.lifted_at.is_(None),
        table.starts_on <= today,
        or_(table.ends_on.is_(None), table.ends_on >= today),
    )


class SqlBlacklist:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, entry: BlacklistEntry) -> None:
        await self.session.execute(insert(blacklist_entries).values(**_to_row(entry)))

    async def get(self, entry_id: UUID, *, for_update: bool = False) -> BlacklistEntry | None:
        query = select(blacklist_entries).where(blacklist_entries.c.id == entry_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return _from_row(row) if row else None

    async def save(self, entry: BlacklistEntry) -> None:
        await self.session.execute(
            update(blacklist_entries)
            .where(blacklist_entries.c.id == entry.id)
            .values(**_to_row(entry))
        )

    async def page(
        self,
        *,
        today: date,
        active: bool | None,
        vendor_id: UUID | None,
        limit: int,
        after: After,
    ) -> list[BlacklistEntry]:
        """Entries (in force ``today`` or not), oldest recorded first, after the cursor."""
        query = page_query(
            today=today, active=active, vendor_id=vendor_id, limit=limit, after=after
        )
        return [_from_row(row) for row in (await self.session.execute(query)).mappings()]


def page_query(
    *, today: date, active: bool | None, vendor_id: UUID | None, limit: int, after: After
) -> Select[Any]:
    """One keyset page of entries: a walk of (recorded_at, id) from the cursor on (a row
    comparison), all of them (``ix_blacklist_entries_recorded``) or one vendor's
    (``ix_blacklist_entries_vendor_recorded``)."""
    table = blacklist_entries.c
    query = select(blacklist_entries)
    if active is not None:
        query = query.where(active_on(today) if active else not_(active_on(today)))
    if vendor_id is not None:
        query = query.where(table.vendor_id == vendor_id)
    if after is not None:
        query = query.where(tuple_(table.recorded_at, table.id) > tuple_(*after))
    return query.order_by(table.recorded_at, table.id).limit(limit)
