"""Retention of the spine's bookkeeping: published outbox rows, inbox rows and idempotency keys
older than ``SPINE_RETENTION_DAYS`` are deleted, in batches, by a background task of every
service process (``SPINE_PURGE_SECONDS``), so these tables stay small however long the
history grows. The history, the turns and the documents are never purged.

What the retention must outlast: an unpublished outbox row is never deleted (only published
ones); an inbox row guards against a redelivery of the same event id, so keep it longer than a
message can wait in a queue or a DLQ before ``dlq replay`` (consumers also check the fact
itself, e.g. a package id already received); an idempotency key answers a client's retry
with the first answer, so keep it longer than any client retries.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import text

from epurchasing_shared.db import Sessions
from epurchasing_shared.spine import SpineTables

log = logging.getLogger("epurchasing.retention")

BATCH = 5000

# table -> the condition of a row past retention (":cutoff" the oldest time kept)
_PURGEABLE = (
    ("outbox", "published_at IS NOT NULL AND published_at < :cutoff"),
    ("inbox", "received_at < :cutoff"),
    ("idempotency_keys", "created_at < :cutoff"),
)


async def purge_spine(
    sessions: Sessions,
    spine: SpineTables,
    now: datetime,
    retention: timedelta,
    batch: int = BATCH,
) -> dict[str, int]:
    """Delete what is past retention, ``batch`` rows per transaction; the count per table."""
    cutoff = now - retention
    tables = {
        "outbox": spine.outbox.name,
        "inbox": spine.inbox.name,
        "idempotency_keys": spine.idempotency_keys.name,
    }
    deleted: dict[str, int] = {}
    for key, condition in _PURGEABLE:
        table = tables[key]
        statement = text(
            f"DELETE FROM {table} WHERE ctid = ANY(ARRAY("
            f"SELECT ctid FROM {table} WHERE {condition} LIMIT :batch))"
        )
        total = 0
        while True:
            async with sessions() as session, session.begin():
                result = await session.execute(statement, {"cutoff": cutoff, "batch": batch})
            count = result.rowcount or 0
            total += count
            if count < batch:
                break
        deleted[key] = total
    return deleted


class SpinePurger:
    """Runs :func:`purge_spine` every ``interval`` seconds (the first time soon after start)."""

    def __init__(
        self,
        *,
        service: str,
        sessions: Sessions,
        spine: SpineTables,
        now: Callable[[], datetime],
        retention: timedelta,
        interval: float,
        first_after: float = 60.0,
    ) -> None:
        self.service = service
        self._sessions = sessions
        self._spine = spine
        self._now = now
        self._retention = retention
        self._interval = interval
        self._first_after = min(first_after, interval)

    async def run(self) -> None:
        await asyncio.sleep(self._first_after)
        while True:
            try:
                deleted = await purge_spine(
                    self._sessions, self._spine, self._now(), self._retention
                )
                if any(deleted.values()):
                    log.info("%s: spine retention purge deleted %s", self.service, deleted)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the database away: try again next time
                log.warning("%s: spine retention purge failed: %s", self.service, error)
            await asyncio.sleep(self._interval)
