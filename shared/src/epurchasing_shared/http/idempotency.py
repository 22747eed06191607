"""``Idempotency-Key`` on creating POSTs: a retried request returns the first response.

The response is stored in the same transaction as the change it reports, so a request is
either done once and remembered, or not done at all.
"""

from dataclasses import dataclass
from typing import Any

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.http.problems import Invalid


@dataclass
class IdempotencyKey:
    key: str | None
    request: str

    async def replay(
        self, session: AsyncSession, table: Table, principal: Principal
    ) -> JSONResponse | None:
        if self.key is None:
            return None
        row = (
            await session.execute(
                select(table.c.request, table.c.status_code, table.c.body).where(
                    table.c.principal == principal.sub, table.c.key == self.key
                )
            )
        ).first()
        if row is None:
            return None
        if row.request != self.request:
            raise Invalid(
                f"Idempotency-Key {self.key!r} was used for {row.request}",
                field="Idempotency-Key",
            )
        return JSONResponse(
            row.body, status_code=row.status_code, headers={"Idempotent-Replayed": "true"}
        )

    async def remember(
        self,
        session: AsyncSession,
        table: Table,
        principal: Principal,
        clock: Clock,
        status_code: int,
        body: Any,
    ) -> None:
        if self.key is None:
            return
        # A concurrent twin with the same key fails on the primary key and rolls back whole.
        await session.execute(
            insert(table).values(
                principal=principal.sub,
                key=self.key,
                request=self.request,
                status_code=status_code,
                body=body,
                created_at=clock.now(),
            )
        )


async def idempotency_key(
    request: Request,
    idempotency_key: str | None = Header(default=None, max_length=200, alias="Idempotency-Key"),
) -> IdempotencyKey:
    return IdempotencyKey(key=idempotency_key, request=f"{request.method} {request.url.path}")
