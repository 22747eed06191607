"""The outside subscriber of examples/subscriber/ against the real broker: its own queue bound
to the exchange, every event of one procurement applied once, duplicates ignored."""

import asyncio
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from uuid import uuid4

import aio_pika
import pytest

from epurchasing_contracts.envelope import CloudEvent
from epurchasing_contracts.examples import EXAMPLES, example_event
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.testing.infrastructure import Infrastructure

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBER = ROOT / "examples" / "subscriber" / "subscriber.py"
# The happy path: the alternatives (returned, failed, cancelled) and vendor events left out.
LEFT_OUT = {
    "competition.purchase_request_returned.v1",
    "competition.competition_failed.v1",
    "ordering.package_cancelled.v1",
    "rating.vendor_blacklisted.v1",
    "rating.vendor_blacklist_lifted.v1",
}


class Subscriber:
    def __init__(self, process: asyncio.subprocess.Process, exchange: str) -> None:
        self.process, self.exchange = process, exchange
        self.lines: list[str] = []

    async def wait_for(self, prefix: str, count: int, timeout: float = 30) -> list[str]:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            while sum(line.startswith(prefix) for line in self.lines) < count:
                line = await self.process.stdout.readline()
                assert line, f"the subscriber exited: {self.lines}"
                self.lines.append(line.decode().strip())
        return [line for line in self.lines if line.startswith(prefix)]


@pytest.fixture
async def subscriber(
    infrastructure: Infrastructure,
    topology_factory: Callable[[str], Awaitable[Topology]],
    tmp_path: Path,
) -> AsyncIterator[Subscriber]:
    topology = await topology_factory("subscriber")
    queue = f"{topology.prefix}example_subscriber.progress"
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, str(SUBSCRIBER), "--amqp-url", infrastructure.amqp_url),
        *("--exchange", topology.exchange, "--queue", queue, "--db", str(tmp_path / "p.db")),
        stdout=asyncio.subprocess.PIPE,
    )
    running = Subscriber(process, topology.exchange)
    try:
        await running.wait_for("ready", 1)
        yield running
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), 10)
        connection = await aio_pika.connect(infrastructure.amqp_url)
        async with connection:
            await (await connection.channel()).queue_delete(queue)


async def publish(url: str, exchange_name: str, events: list[CloudEvent]) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(exchange_name)
        for event in events:
            body = event.model_dump_json(exclude_none=True).encode()
            message = aio_pika.Message(
                body,
                message_id=str(event.id),
                correlation_id=str(event.procurementid),
                content_type="application/cloudevents+json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(message, routing_key=event.type)


async def test_the_subscriber_applies_each_event_of_a_procurement_once(
    subscriber: Subscriber, infrastructure: Infrastructure, tmp_path: Path
):
    procurement_id = uuid4()
    events = [
        example_event(event_type, procurement_id=procurement_id)
        for event_type in EXAMPLES
        if event_type not in LEFT_OUT
    ]
    await publish(infrastructure.amqp_url, subscriber.exchange, events)
    await publish(
        infrastructure.amqp_url, subscriber.exchange, events[3:6]
    )  # redelivered duplicates

    applied = await subscriber.wait_for("applied", len(events))
    duplicates = await subscriber.wait_for("duplicate", 3)
    assert sorted(line.split()[1] for line in applied) == sorted(str(e.id) for e in events)
    assert {line.split()[1] for line in duplicates} == {str(e.id) for e in events[3:6]}
    with sqlite3.connect(tmp_path / "p.db") as db:
        row = db.execute(
            "SELECT events, last_type, order_total FROM progress WHERE subject = ?",
            (str(procurement_id),),
        ).fetchone()
    latest = max(event.time for event in events)
    assert row[0] == len(events) and row[2] == 99_750_000
    assert row[1] in {event.type for event in events if event.time == latest}
