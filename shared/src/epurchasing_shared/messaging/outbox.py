"""The transactional outbox: event rows written in the same transaction as the state change.

We write the ~150 lines ourselves instead of taking ``faststream-outbox``: it claims rows by
lease rather than ``FOR UPDATE SKIP LOCKED``, does not wake on ``LISTEN/NOTIFY``, and publishes
through FastStream where we need ``mandatory`` with publisher confirms. See docs/outbox.md.
"""

from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.tracing import current_traceparent

NOTIFY_CHANNEL = "epurchasing_outbox"


def outbox_row(event: CloudEvent, traceparent: str | None = None) -> dict[str, Any]:
    """The outbox row of an event. The ``traceparent`` (by default the span in progress)
    travels in the row and in the envelope, as the CloudEvents distributed-tracing extension
    attribute."""
    traceparent = traceparent or current_traceparent()
    envelope = event.model_dump(mode="json", exclude_none=True)
    if traceparent:
        envelope["traceparent"] = traceparent
    return {
        "event_id": event.id,
        "event_type": event.type,
        "envelope": envelope,
        "traceparent": traceparent,
        "created_at": event.time,
    }


async def record_event(
    session: AsyncConnection, outbox: Table, event: CloudEvent, traceparent: str | None = None
) -> None:
    """Add an event to the outbox of the current transaction; it is published after commit.
    (The unit of work sends its events at commit with the rest of the spine's writes:
    :mod:`epurchasing_shared.spine_writes`.)"""
    await session.execute(_insert(outbox), outbox_row(event, traceparent))
    # NOTIFY is delivered on commit only, so the relay never wakes for a rolled-back change.
    await session.execute(_NOTIFY)


_NOTIFY = text(f"NOTIFY {NOTIFY_CHANNEL}")


@cache
def _insert(outbox: Table) -> Insert:
    """Built once per table (building it per event cost more CPU than running it)."""
    return insert(outbox)
