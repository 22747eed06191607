"""The event spine on the real broker and database: outbox relay, inbox, retries, dead letters."""

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID

import aio_pika
import pytest
from sqlalchemy import func, select

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.messaging.outbox import record_event
from epurchasing_shared.messaging.relay import OutboxRelay
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.testing.proxy import TcpProxy
from epurchasing_shared.testing.spy import ExchangeSpy, start_spy

from .conftest import BLACKLIST_TYPES, SpineDb, attempts, blacklisted, effects, publish_raw


async def effect_count(db: SpineDb, entry_id: UUID) -> int:
    async with db.sessions() as session:
        found = await session.scalar(select(effects.c.count).where(effects.c.key == str(entry_id)))
        return found or 0


async def eventually(check, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.05)


@pytest.fixture
async def spy(infrastructure, spine_topology: Topology) -> AsyncIterator[ExchangeSpy]:
    spy, stop = await start_spy(infrastructure.amqp_url, spine_topology.exchange)
    yield spy
    await stop()


async def record(db: SpineDb, event: CloudEvent) -> None:
    async with db.sessions() as session, session.begin():
        await record_event(session, db.spine.outbox, event)


def relay_for(db: SpineDb, topology: Topology, amqp_url: str) -> OutboxRelay:
    return OutboxRelay(
        session_factory=db.sessions,
        outbox=db.spine.outbox,
        database_url=db.url,
        amqp_url=amqp_url,
        topology=topology,
        clock=SystemClock(),
        poll_seconds=0.5,
        max_backoff_seconds=0.5,
    )


class TestOutboxRelay:
    async def test_event_committed_while_broker_unreachable_is_published_once_it_is_back(
        self, infrastructure, spine_db, spine_topology, consumer, spy
    ):
        proxy = await TcpProxy(*infrastructure.amqp_address).start()
        proxy.cut()
        relay = relay_for(
            spine_db, spine_topology, infrastructure.amqp_via("127.0.0.1", proxy.port)
        )
        running = asyncio.create_task(relay.run())
        try:
            event = blacklisted()
            await record(spine_db, event)
            await asyncio.sleep(1.5)  # the relay tries and fails meanwhile
            assert spy.of_type(event.type) == []
            async with spine_db.sessions() as session:
                outbox = spine_db.spine.outbox
                unsent = await session.scalar(
                    select(func.count()).where(
                        outbox.c.event_id == event.id, outbox.c.published_at.is_(None)
                    )
                )
            assert unsent == 1

            proxy.restore()
            seen = await spy.wait_for(event.type, lambda e: e.id == event.id)
            assert seen.data == event.data
            message = spy.messages[spy.events.index(seen)]
            assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
            assert message.message_id == str(event.id)
            entry_id = UUID(event.data["entry_id"])
            await eventually(lambda: _equals(effect_count(spine_db, entry_id), 1))
        finally:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
            await proxy.stop()

    async def test_two_relays_publish_every_row_exactly_once_and_the_standby_takes_over(
        self, infrastructure, spine_db, spine_topology, spy
    ):
        events = [blacklisted("ok") for _ in range(40)]
        for event in events:
            await record(spine_db, event)
        relays = [relay_for(spine_db, spine_topology, infrastructure.amqp_url) for _ in range(2)]
        try:
            # Both try at the same time: one leads and publishes, the other finds it busy.
            results = await asyncio.gather(*(relay.publish_pending() for relay in relays))
            assert sorted(relay.busy for relay in relays) == [False, True]
            while sum(results) < len(events):
                results += await asyncio.gather(*(relay.publish_pending() for relay in relays))
            # The leader gone (its connection closed), the other one takes over.
            leader = next(relay for relay in relays if not relay.busy)
            other = next(relay for relay in relays if relay.busy)
            await leader.close()
            late = blacklisted("ok")
            await record(spine_db, late)
            assert await other.publish_pending() == 1 and not other.busy
        finally:
            for relay in relays:
                await relay.close()
        ids = {event.id for event in [*events, late]}
        await eventually(lambda: _true(ids <= {e.id for e in spy.events}))
        published = [e.id for e in spy.events if e.id in ids]
        assert len(published) == len(set(published)) == len(events) + 1


class TestInbox:
    async def test_the_same_event_delivered_twice_has_one_effect(
        self, infrastructure, spine_db, spine_topology, consumer
    ):
        event = blacklisted()
        body = event.model_dump_json().encode()
        for _ in range(2):
            await publish_raw(infrastructure.amqp_url, spine_topology.exchange, body, event.type)
        sentinel = blacklisted()
        await publish_raw(
            infrastructure.amqp_url,
            spine_topology.exchange,
            sentinel.model_dump_json().encode(),
            sentinel.type,
        )
        await eventually(
            lambda: _equals(effect_count(spine_db, UUID(sentinel.data["entry_id"])), 1)
        )
        assert await effect_count(spine_db, UUID(event.data["entry_id"])) == 1


async def dead_letters(infrastructure, topology: Topology) -> list[bytes]:
    name = topology.dead_letter_queue(topology.queue("spine_test", "on_blacklist"))
    found = []
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        queue = await (await connection.channel()).get_queue(name)
        while (message := await queue.get(fail=False)) is not None:
            found.append(message.body)
            await message.ack()
    return found


class TestDeadLetters:
    async def test_a_poison_message_ends_in_the_dlq_and_the_consumer_keeps_consuming(
        self, infrastructure, spine_db, spine_topology, consumer
    ):
        await dead_letters(infrastructure, spine_topology)  # start from an empty DLQ
        await publish_raw(
            infrastructure.amqp_url, spine_topology.exchange, b"{not json", BLACKLIST_TYPES[0]
        )
        wrong_payload = blacklisted().model_dump(mode="json") | {"data": {"vendor_id": "nope"}}
        await publish_raw(
            infrastructure.amqp_url,
            spine_topology.exchange,
            CloudEvent.model_validate(wrong_payload).model_dump_json().encode(),
            BLACKLIST_TYPES[0],
        )
        after = blacklisted()
        await publish_raw(
            infrastructure.amqp_url,
            spine_topology.exchange,
            after.model_dump_json().encode(),
            after.type,
        )
        await eventually(lambda: _equals(effect_count(spine_db, UUID(after.data["entry_id"])), 1))
        letters = await dead_letters(infrastructure, spine_topology)
        assert b"{not json" in letters
        assert len(letters) == 2

    async def test_a_failing_handler_is_retried_then_applied_once(
        self, infrastructure, spine_db, spine_topology, consumer
    ):
        event = blacklisted("fail-twice")
        await publish_raw(
            infrastructure.amqp_url,
            spine_topology.exchange,
            event.model_dump_json().encode(),
            event.type,
        )
        entry_id = UUID(event.data["entry_id"])
        await eventually(lambda: _equals(effect_count(spine_db, entry_id), 1))
        assert attempts[str(entry_id)] == 3

    async def test_a_handler_that_always_fails_is_dead_lettered_after_the_delivery_limit(
        self, infrastructure, spine_db, spine_topology, consumer
    ):
        await dead_letters(infrastructure, spine_topology)
        event = blacklisted("fail-always")
        await publish_raw(
            infrastructure.amqp_url,
            spine_topology.exchange,
            event.model_dump_json().encode(),
            event.type,
        )
        letters: list[bytes] = []

        async def arrived() -> bool:
            letters.extend(await dead_letters(infrastructure, spine_topology))
            return bool(letters)

        await eventually(arrived)
        assert CloudEvent.model_validate_json(letters[0]).id == event.id
        assert attempts[str(event.data["entry_id"])] == spine_topology.delivery_limit
        assert await effect_count(spine_db, UUID(event.data["entry_id"])) == 0


async def _equals(value, expected) -> bool:
    return await value == expected


async def _true(value: bool) -> bool:
    return value


async def test_the_relay_publishes_within_two_seconds_of_the_broker_coming_back(
    infrastructure, spine_db, spine_topology, spy
):
    proxy = await TcpProxy(*infrastructure.amqp_address).start()
    proxy.cut()
    relay = OutboxRelay(
        session_factory=spine_db.sessions,
        outbox=spine_db.spine.outbox,
        database_url=spine_db.url,
        amqp_url=infrastructure.amqp_via("127.0.0.1", proxy.port),
        topology=spine_topology,
        clock=SystemClock(),
        poll_seconds=30,
        max_backoff_seconds=30,
    )
    running = asyncio.create_task(relay.run())
    try:
        event = blacklisted("ok")
        await record(spine_db, event)
        await asyncio.sleep(9)  # the back-off has grown to 8 s by now (0.5, 1, 2, 4, 8)
        proxy.restore()
        back = asyncio.get_running_loop().time()
        await spy.wait_for(event.type, lambda e: e.id == event.id)
        assert asyncio.get_running_loop().time() - back < 2
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await proxy.stop()


async def test_a_leader_that_cannot_reach_the_broker_lets_another_relay_lead(
    infrastructure, spine_db, spine_topology, spy
):
    """The relay lock goes with publishing: a leader cut off from the broker gives it up, so a
    replica that reaches the broker publishes (the lock would otherwise stay with the leader's
    database connection for as long as its process lives)."""
    proxy = await TcpProxy(*infrastructure.amqp_address).start()
    cut_off = relay_for(spine_db, spine_topology, infrastructure.amqp_via("127.0.0.1", proxy.port))
    other = relay_for(spine_db, spine_topology, infrastructure.amqp_url)
    running = None
    try:
        await record(spine_db, blacklisted("ok"))
        while await cut_off.publish_pending():  # it leads
            pass
        assert await other.publish_pending() == 0 and other.busy
        proxy.cut()
        event = blacklisted("ok")
        await record(spine_db, event)
        running = asyncio.create_task(cut_off.run())
        published = 0
        async with asyncio.timeout(20):
            while not published:
                await asyncio.sleep(0.2)
                published = await other.publish_pending()
        assert not other.busy
        await spy.wait_for(event.type, lambda e: e.id == event.id)
    finally:
        if running is not None:
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)
        await cut_off.close()
        await other.close()
        await proxy.stop()
