"""The append-only history of every state change of a procurement in one service."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.envelope import Actor


class HistoryEntry(BaseModel):
    at: datetime
    aggregate: str
    aggregate_id: UUID
    action: str
    actor_id: str | None
    actor_role: str | None
    from_state: str | None
    to_state: str | None
    sop_step: str | None
    reason: str | None
    documents: list[dict[str, Any]]


async def append_history(
    session: AsyncSession,
    table: Table,
    *,
    procurement_id: UUID,
    aggregate: str,
    aggregate_id: UUID,
    at: datetime,
    action: str,
    actor: Actor | None,
    from_state: str | None,
    to_state: str | None,
    sop_step: str | None,
    reason: str | None = None,
    documents: list[dict[str, Any]] | None = None,
) -> None:
    await session.execute(
        insert(table).values(
            procurement_id=procurement_id,
            aggregate=aggregate,
            aggregate_id=aggregate_id,
            at=at,
            action=action,
            actor_id=actor.id if actor else None,
            actor_role=actor.role if actor else None,
            from_state=from_state,
            to_state=to_state,
            sop_step=sop_step,
            reason=reason,
            documents=documents or [],
        )
    )


async def read_history(
    session: AsyncSession, table: Table, procurement_id: UUID
) -> list[HistoryEntry]:
    rows = (
        await session.execute(
            select(table).where(table.c.procurement_id == procurement_id).order_by(table.c.seq)
        )
    ).mappings()
    return [HistoryEntry.model_validate(dict(r)) for r in rows]
