"""An outside subscriber of the e-purchasing events: a procurement-progress table in SQLite.

It owns a durable queue bound to the platform's topic exchange (one binding per event type it
wants), parses each CloudEvent with the ``epurchasing-contracts`` package and applies it at most
once: the event id and the change it makes commit in one SQLite transaction, so a redelivered
or duplicated event (at-least-once delivery) is acknowledged and skipped.

    python subscriber.py --amqp-url amqp://guest:guest@localhost:5672/ --db progress.sqlite3
"""

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from pydantic import ValidationError

from epurchasing_contracts import CloudEvent, EventPayload, UnknownEventType, parse_event
from epurchasing_contracts.registry import EVENT_MODELS

log = logging.getLogger("subscriber")

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_events (
    event_id TEXT PRIMARY KEY, type TEXT NOT NULL, subject TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS progress (
    subject TEXT PRIMARY KEY,      -- the procurement id, or vendor/<id>
    events INTEGER NOT NULL,
    last_type TEXT NOT NULL,
    last_step TEXT,
    last_time TEXT NOT NULL,
    order_total INTEGER            -- whole rupiah, once an order was issued
);
"""


class ProgressStore:
    """What the subscriber keeps: one row per procurement and the ids of the events applied."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)

    def apply(self, event: CloudEvent, payload: EventPayload) -> bool:
        """Apply one event in one transaction; False if it was applied before (a duplicate)."""
        subject = str(event.procurementid or event.subject)
        total = (
            getattr(payload, "total", None) if event.type.startswith("ordering.order_") else None
        )
        with self.db:
            inserted = self.db.execute(
                "INSERT OR IGNORE INTO processed_events VALUES (?, ?, ?)",
                (str(event.id), event.type, subject),
            )
            if inserted.rowcount == 0:
                return False
            self.db.execute(
                """INSERT INTO progress VALUES (?, 1, ?, ?, ?, ?)
                   ON CONFLICT (subject) DO UPDATE SET
                     events = events + 1,
                     last_type = excluded.last_type,
                     last_step = excluded.last_step,
                     last_time = excluded.last_time,
                     order_total = coalesce(excluded.order_total, order_total)
                   WHERE excluded.last_time >= progress.last_time""",
                (subject, event.type, event.sopstep, event.time.isoformat(), total),
            )
            # An older event arriving late still counts, without moving the progress back.
            self.db.execute(
                "UPDATE progress SET events = (SELECT count(*) FROM processed_events"
                " WHERE subject = ?) WHERE subject = ?",
                (subject, subject),
            )
        return True


async def handle(message: AbstractIncomingMessage, store: ProgressStore) -> None:
    try:
        event, payload = parse_event(message.body)
    except (ValidationError, UnknownEventType) as error:
        # Poison: no retry can fix it. A real subscriber would dead-letter it (x-dead-letter-*).
        log.warning("rejected %s: %s", message.message_id, error)
        await message.reject(requeue=False)
        return
    async with message.process(requeue=True):  # a store error redelivers the message
        applied = store.apply(event, payload)
    print(f"{'applied' if applied else 'duplicate'} {event.id} {event.type}", flush=True)


async def run(
    amqp_url: str, exchange: str, queue: str, event_types: Iterable[str], store: ProgressStore
) -> None:
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=20)
        # The platform owns the exchange: check that it exists, never (re)declare it.
        events = await channel.get_exchange(exchange, ensure=True)
        own = await channel.declare_queue(queue, durable=True, arguments={"x-queue-type": "quorum"})
        for event_type in event_types:
            await own.bind(events, routing_key=event_type)
        await own.consume(lambda message: handle(message, store))
        print(f"ready {queue}", flush=True)
        await stop.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--amqp-url", default="amqp://guest:guest@localhost:5672/")
    parser.add_argument("--exchange", default="epurchasing.events")
    parser.add_argument("--queue", default="example_subscriber.progress")
    parser.add_argument("--db", type=Path, default=Path("progress.sqlite3"))
    parser.add_argument(
        "--type", action="append", dest="types", help="an event type to bind (default: all)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    types = args.types or sorted(EVENT_MODELS)
    asyncio.run(run(args.amqp_url, args.exchange, args.queue, types, ProgressStore(args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
