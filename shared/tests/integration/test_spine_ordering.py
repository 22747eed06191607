"""Each procurement's events applied in order, different procurements in parallel, with two
consumers (processes or connections) on one queue: a single active consumer, a hot standby that
takes over, nothing lost or doubled; and the queue of the previous generation drained first.

Every effect records which of its procurement's events it saw applied already
(``ordered_consumer.check``): an event applied before its predecessor committed, or twice, or
never, fails the test.
"""

import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import aio_pika
import pytest
from aiormq.exceptions import ChannelNotFoundEntity
from sqlalchemy import text
from sqlalchemy.engine import make_url

from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.messaging import consumer as consumer_module
from epurchasing_shared.messaging.topology import Topology, declare_topology, delete_topology
from epurchasing_shared.testing.proxy import TcpProxy

from . import ordered_consumer as oc
from .conftest import SpineDb

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
async def ordered_db(spine_db: SpineDb) -> SpineDb:
    async with spine_db.sessions() as session, session.begin():
        await session.execute(text(oc.CREATE))
    return spine_db


@pytest.fixture
async def topology(infrastructure, run_id: str) -> AsyncIterator[Topology]:
    made = oc.topology(f"{run_id}.order{uuid4().hex[:6]}.")
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        await declare_topology(await connection.channel(), made)
    yield made
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        await delete_topology(channel, made)
        for name in made.legacy_queues(oc.SERVICE, oc.PURPOSE):
            await channel.queue_delete(name)


async def queue_state(amqp_url: str, name: str) -> tuple[int, int] | None:
    """(messages ready, consumers) of a queue, None if it does not exist."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        try:
            queue = await channel.declare_queue(name, passive=True)
        except ChannelNotFoundEntity:
            return None
        result = queue.declaration_result
        return result.message_count or 0, result.consumer_count or 0


async def until(check, timeout: float, what: str) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def applied(db: SpineDb, topology: Topology) -> int:
    return len(await oc.effects(db.sessions, topology.prefix))


async def dead_letters(amqp_url: str, topology: Topology) -> int:
    queue = topology.dead_letter_queue(topology.queue(oc.SERVICE, oc.PURPOSE))
    state = await queue_state(amqp_url, queue)
    return state[0] if state else 0


async def consuming(process: subprocess.Popen) -> None:
    """Until the process says it subscribed."""
    assert process.stdout is not None
    line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 30)
    assert line.strip() == "consuming", process.stderr.read() if process.stderr else line


def start_process(db: SpineDb, amqp_url: str, topology: Topology, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(HERE / "ordered_consumer.py"),
            db.url,
            amqp_url,
            topology.prefix,
            name,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_two_consumer_processes_keep_each_procurements_order_through_a_kill(
    infrastructure, ordered_db: SpineDb, topology: Topology
):
    """Two processes consume one queue; 40 procurements' events interleaved. The active one
    applies while the other waits; kill -9 the active one mid-backlog: the standby takes over
    from the oldest unacknowledged message, and every procurement's effects are exactly once
    and in order."""
    queue = topology.queue(oc.SERVICE, oc.PURPOSE)
    amqp = infrastructure.amqp_url
    first = start_process(ordered_db, amqp, topology, "first")
    second: subprocess.Popen | None = None
    try:
        await consuming(first)
        second = start_process(ordered_db, amqp, topology, "second")
        await consuming(second)
        # With a single active consumer the broker counts the active one only.
        assert await queue_state(amqp, queue) == (0, 1)
        events = oc.interleaved(procurements=40, each=25)
        await oc.publish(amqp, topology.exchange, events)
        await until(lambda: _is(applied(ordered_db, topology), lambda n: n >= 250), 60, "250")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        async with ordered_db.sessions() as session:
            killed_at = await session.scalar(text("SELECT clock_timestamp()"))
        at_kill = await applied(ordered_db, topology)
        assert at_kill < len(events), "the backlog was finished before the kill: no drill"
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 120, "all"
        )
        await asyncio.sleep(1)  # anything doubled would show now
        found = await oc.effects(ordered_db.sessions, topology.prefix)
        oc.check(events, found)
        by_second = [row for row in found if row["consumer"] == "second"]
        assert by_second, "the standby never took over"
        # A hot standby: it applied nothing while the first one was alive.
        assert all(row["applied_at"] > killed_at for row in by_second)
        assert await dead_letters(amqp, topology) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
    assert second is not None and second.returncode == 0, second.stderr.read()


async def _is(value, predicate) -> bool:
    found = await value
    return found is not None and predicate(found)


async def test_the_active_connection_breaks_mid_backlog_and_the_standby_takes_over(
    infrastructure, ordered_db: SpineDb, topology: Topology
):
    """The active consumer's connection breaks while its handlers are in flight (they may still
    commit; their acknowledgements are lost): the standby gets the unacknowledged messages back
    in order, the inbox skips what was committed, and later the first one reconnects as the
    standby."""
    proxy = await TcpProxy(*infrastructure.amqp_address).start()
    first = oc.consumers(
        infrastructure.amqp_via("127.0.0.1", proxy.port),
        topology.prefix,
        "first",
        ordered_db.sessions,
        ordered_db.spine,
    )
    second = oc.consumers(
        infrastructure.amqp_url, topology.prefix, "second", ordered_db.sessions, ordered_db.spine
    )
    events = oc.interleaved(procurements=40, each=30)
    await oc.publish(infrastructure.amqp_url, topology.exchange, events)  # a backlog
    await first.start()
    await second.start()
    try:
        await until(lambda: _is(applied(ordered_db, topology), lambda n: n >= 100), 60, "100")
        proxy.cut()
        at_cut = await applied(ordered_db, topology)
        assert at_cut < len(events) - 100, "the backlog was (nearly) finished before the cut"
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 90, "all"
        )
        proxy.restore()
        await until(lambda: first.ping(1), 30, "the first one back")
        await asyncio.sleep(1)
        found = await oc.effects(ordered_db.sessions, topology.prefix)
        oc.check(events, found)
        assert {row["consumer"] for row in found} == {"first", "second"}
    finally:
        await first.stop()
        await second.stop()
        await proxy.stop()


async def test_a_consumer_stopped_mid_backlog_hands_over_in_order(
    infrastructure, ordered_db: SpineDb, topology: Topology
):
    """A clean stop (a rolling update): the handlers in progress finish, what was delivered
    and not started goes back to the queue with the channel, the standby goes on from there."""
    first = oc.consumers(
        infrastructure.amqp_url, topology.prefix, "first", ordered_db.sessions, ordered_db.spine
    )
    second = oc.consumers(
        infrastructure.amqp_url, topology.prefix, "second", ordered_db.sessions, ordered_db.spine
    )
    events = oc.interleaved(procurements=40, each=30)
    await oc.publish(infrastructure.amqp_url, topology.exchange, events)  # a backlog
    await first.start()
    await second.start()
    try:
        await until(lambda: _is(applied(ordered_db, topology), lambda n: n >= 100), 60, "100")
        await first.stop()
        at_stop = await applied(ordered_db, topology)
        assert at_stop < len(events) - 100, "the backlog was (nearly) finished before the stop"
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 90, "all"
        )
        found = await oc.effects(ordered_db.sessions, topology.prefix)
        oc.check(events, found)
        assert any(row["consumer"] == "second" for row in found)
    finally:
        await first.stop()
        await second.stop()


async def test_a_dead_lettered_event_lets_the_next_of_its_procurement_go_on(
    infrastructure, ordered_db: SpineDb, topology: Topology
):
    """Event 3 of every procurement is refused for good: it goes to the DLQ and events 4… of
    the same procurement are applied after it, in order."""
    broker = oc.consumers(
        infrastructure.amqp_url,
        topology.prefix,
        "only",
        ordered_db.sessions,
        ordered_db.spine,
        fail={3},
    )
    await broker.start()
    try:
        events = oc.interleaved(procurements=12, each=8)
        await oc.publish(infrastructure.amqp_url, topology.exchange, events)
        expected = len(events) - 12
        await until(lambda: _is(applied(ordered_db, topology), lambda n: n >= expected), 60, "all")
        found = await oc.effects(ordered_db.sessions, topology.prefix)
        oc.check(events, found, skipped={3})
        assert await dead_letters(infrastructure.amqp_url, topology) == 12
    finally:
        await broker.stop()


async def test_an_outage_longer_than_the_wait_gives_everything_back_in_order(
    infrastructure, ordered_db: SpineDb, topology: Topology, monkeypatch, caplog
):
    """The consumer's database is away for longer than CONSUMER_OUTAGE_SECONDS: it gives every
    message it holds back to the queue by closing its channel, subscribes again, and once the
    database is back every effect is there once, in order, nothing dead-lettered."""
    monkeypatch.setattr(consumer_module, "GIVE_BACK_PAUSE", 1.0)
    url = make_url(ordered_db.url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(proxied, pool_timeout=2, connect_args={"timeout": 2})
    broker = oc.consumers(
        infrastructure.amqp_url,
        topology.prefix,
        "only",
        make_session_factory(engine),
        ordered_db.spine,
        outage_seconds=1.0,
    )
    await broker.start()
    try:
        events = oc.interleaved(procurements=10, each=12)
        await oc.publish(infrastructure.amqp_url, topology.exchange, events[:20])
        await until(lambda: _is(applied(ordered_db, topology), lambda n: n >= 20), 60, "20")
        proxy.cut()
        # The rest arrives while the database is away, so the consumer surely holds some
        # (published before the cut, a fast consumer could apply them all first).
        await oc.publish(infrastructure.amqp_url, topology.exchange, events[20:])
        await asyncio.sleep(4)  # > the 1 s wait: given back (maybe more than once)
        proxy.restore()
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 60, "all"
        )
        found = await oc.effects(ordered_db.sessions, topology.prefix)
        oc.check(events, found)
        assert await dead_letters(infrastructure.amqp_url, topology) == 0
        assert any("held back" in r.getMessage() for r in caplog.records), "nothing given back"
    finally:
        await broker.stop()
        await engine.dispose()
        await proxy.stop()


async def test_the_queue_of_the_previous_generation_is_drained_first_then_deleted(
    infrastructure, ordered_db: SpineDb, topology: Topology
):
    """An upgrade: the old queue (no single active consumer) holds a backlog and a consumer of
    the previous version; the new queue is bound beside it. The new consumers wait for the old
    one to stop, one of them drains the old queue (the events bound to both come twice: the
    inbox skips the second), deletes it, and both consume the new queue: every effect once, in
    order."""
    amqp = infrastructure.amqp_url
    queue = topology.queue(oc.SERVICE, oc.PURPOSE)
    (legacy,) = topology.legacy_queues(oc.SERVICE, oc.PURPOSE)
    connection = await aio_pika.connect(amqp)
    async with connection:
        channel = await connection.channel()
        old = await channel.declare_queue(
            legacy,
            durable=True,
            arguments={
                k: v
                for k, v in topology.queue_arguments(legacy).items()
                if k != "x-single-active-consumer"
            },
        )
        await old.bind(topology.exchange, oc.TYPE)
        new = await channel.get_queue(queue)
        await new.unbind(topology.exchange, oc.TYPE)  # as before the new version started
    before = oc.interleaved(procurements=10, each=6)
    await oc.publish(amqp, topology.exchange, before)
    async with await aio_pika.connect(amqp) as connection:  # the new version declares
        await declare_topology(await connection.channel(), topology)
    owners = sorted({e.procurementid for e in before}, key=str)
    after = [oc.numbered(owner, seq) for seq in range(6, 10) for owner in owners]
    await oc.publish(amqp, topology.exchange, after)  # to both queues

    old_version = await aio_pika.connect(amqp)  # holds one message, unacknowledged
    old_channel = await old_version.channel()
    await old_channel.set_qos(prefetch_count=1)

    async def holds(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        pass  # never acknowledged

    await (await old_channel.get_queue(legacy)).consume(holds)

    first = oc.consumers(amqp, topology.prefix, "first", ordered_db.sessions, ordered_db.spine)
    second = oc.consumers(amqp, topology.prefix, "second", ordered_db.sessions, ordered_db.spine)
    await first.start()
    await second.start()
    try:
        await asyncio.sleep(2.5)
        assert await applied(ordered_db, topology) == 0, "started before the old consumer left"
        assert await queue_state(amqp, queue) == (len(after), 0)
        await old_version.close()  # its message goes back to the old queue
        events = before + after
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 60, "all"
        )
        await until(lambda: _is(queue_state(amqp, queue), lambda s: s == (0, 1)), 30, "new")
        assert await queue_state(amqp, legacy) is None
        assert await queue_state(amqp, f"{legacy}.sac.lock") is None
        later = [oc.numbered(owner, 10) for owner in owners]
        await oc.publish(amqp, topology.exchange, later)
        events += later
        await until(
            lambda: _is(applied(ordered_db, topology), lambda n: n >= len(events)), 30, "later"
        )
        await asyncio.sleep(1)
        oc.check(events, await oc.effects(ordered_db.sessions, topology.prefix))
        assert await dead_letters(amqp, topology) == 0
    finally:
        with contextlib.suppress(Exception):
            await old_version.close()
        await first.stop()
        await second.stop()
