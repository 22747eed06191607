"""Readiness that fits the outbox: a service whose database answers takes writes (its events
wait in the outbox), so only the database decides ``/readyz``'s status; the broker's and the
relay's state are reported beside it (body and ``epurchasing_dependency_up``), not acted on.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from epurchasing_shared.tracing import suppress_instrumentation

CHECK_SECONDS = 3.0


class ReadinessReport(BaseModel):
    """The body of ``/readyz`` (200 and 503 alike)."""

    status: str = Field(
        description="ready, degraded (the database answers, not all else), not ready"
    )
    checks: dict[str, str] = Field(
        description="database, broker, relay: 'ok' or what is wrong instead"
    )


@dataclass
class Readiness:
    engine: AsyncEngine
    # Whether the consumers run and the broker answers (within ``timeout`` seconds).
    broker_ok: Callable[[float], Awaitable[bool]]
    # The relay's state: "ok", or what it is doing instead ("starting", "retrying ...").
    relay_state: Callable[[], str]
    timeout: float = CHECK_SECONDS

    async def database(self) -> str:
        try:
            with suppress_instrumentation():  # not a trace per probe
                async with self.engine.connect() as connection:
                    await asyncio.wait_for(connection.execute(text("SELECT 1")), self.timeout)
            return "ok"
        except Exception as error:  # any failure means not ready
            return f"unavailable: {type(error).__name__}"

    async def broker(self) -> str:
        try:
            ok = await asyncio.wait_for(self.broker_ok(self.timeout), self.timeout + 0.5)
        except Exception:
            ok = False
        return "ok" if ok else "unavailable"

    async def checks(self) -> dict[str, str]:
        database, broker = await asyncio.gather(self.database(), self.broker())
        return {"database": database, "broker": broker, "relay": self.relay_state()}

    async def answer(self) -> tuple[int, dict[str, Any]]:
        """``/readyz``: 200 while the database answers (writes go to the outbox even when the
        broker is down), 503 otherwise; every check in the body."""
        checks = await self.checks()
        ready = checks["database"] == "ok"
        degraded = ready and any(state != "ok" for state in checks.values())
        status = "degraded" if degraded else "ready" if ready else "not ready"
        return (200 if ready else 503), {"status": status, "checks": checks}
