"""The operator's dead-letter command: list and show change nothing; replay re-publishes."""

import asyncio
from uuid import UUID

import aio_pika

from epurchasing_shared.cli import main

from .conftest import attempts, blacklisted, publish_raw

QUEUE = "spine_test.on_blacklist"


async def dead_letter_count(amqp_url: str, topology) -> int:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        name = topology.dead_letter_queue(topology.queue("spine_test", "on_blacklist"))
        queue = await channel.declare_queue(name, passive=True)
        return queue.declaration_result.message_count


async def wait_for_dead_letters(amqp_url: str, topology, count: int) -> None:
    async with asyncio.timeout(15):
        while await dead_letter_count(amqp_url, topology) != count:
            await asyncio.sleep(0.1)


async def test_list_show_and_replay_a_dead_letter(
    infrastructure,
    spine_topology,
    consumer,
    monkeypatch,
    capsys,
):
    monkeypatch.setenv("AMQP_URL", infrastructure.amqp_url)
    monkeypatch.setenv("TOPOLOGY_PREFIX", spine_topology.prefix)
    before = await dead_letter_count(infrastructure.amqp_url, spine_topology)
    event = blacklisted("fail-always")
    body = event.model_dump_json().encode()
    await publish_raw(infrastructure.amqp_url, spine_topology.exchange, body, event.type)
    await wait_for_dead_letters(infrastructure.amqp_url, spine_topology, before + 1)

    await asyncio.to_thread(main, ["dlq", "list", "--queue", QUEUE])
    await asyncio.to_thread(main, ["dlq", "show", "--queue", QUEUE, "--message-id", "nope"])
    listed = capsys.readouterr().out
    assert event.type in listed
    assert await dead_letter_count(infrastructure.amqp_url, spine_topology) == before + 1

    entry = str(UUID(event.data["entry_id"]))
    tried = attempts[entry]
    await asyncio.to_thread(main, ["dlq", "replay", "--queue", QUEUE])
    assert "replayed" in capsys.readouterr().out
    # Replayed to the consumer, which fails again the same number of times and dead-letters it.
    await wait_for_dead_letters(infrastructure.amqp_url, spine_topology, 1)
    async with asyncio.timeout(15):
        while attempts[entry] < 2 * tried:
            await asyncio.sleep(0.1)


async def test_replay_goes_to_the_failing_queue_only_and_listing_keeps_every_letter(
    infrastructure, run_id, monkeypatch, capsys
):
    """Two queues bound to the same event type: replaying A's dead letter must not reach B
    (nor any outside subscriber); listing many times drops and reorders nothing."""
    from epurchasing_shared.messaging.topology import (
        ConsumerQueue,
        Topology,
        declare_topology,
        delete_topology,
    )

    event_type = "rating.vendor_blacklisted.v1"
    topology = Topology(
        prefix=f"{run_id}.replay.",
        consumers=(
            ConsumerQueue("spine_test", "a", (event_type,)),
            ConsumerQueue("spine_test", "b", (event_type,)),
        ),
    )
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        await declare_topology(channel, topology)
        try:
            dlx = await channel.get_exchange(topology.dead_letter_exchange)
            letters = [blacklisted(f"letter {n}") for n in range(3)]
            for letter in letters:
                await dlx.publish(
                    aio_pika.Message(
                        letter.model_dump_json().encode(),
                        message_id=str(letter.id),
                        type=event_type,
                    ),
                    # As queue A dead-letters (its x-dead-letter-routing-key).
                    routing_key=topology.dead_letter_routing_key(topology.queue("spine_test", "a")),
                )
            monkeypatch.setenv("AMQP_URL", infrastructure.amqp_url)
            monkeypatch.setenv("TOPOLOGY_PREFIX", topology.prefix)
            for _ in range(25):  # more than RabbitMQ 4's default quorum delivery limit (20)
                await asyncio.to_thread(main, ["dlq", "list", "--queue", "spine_test.a"])
            listed = capsys.readouterr().out.strip().splitlines()
            assert [line.split("\t")[0] for line in listed[-3:]] == [str(e.id) for e in letters]

            first = str(letters[0].id)
            replay = ["dlq", "replay", "--queue", "spine_test.a", "--message-id", first]
            await asyncio.to_thread(main, replay)

            async def depth(name: str) -> int:
                queue = await channel.declare_queue(name, passive=True)
                return queue.declaration_result.message_count

            async with asyncio.timeout(10):
                while await depth(topology.queue("spine_test", "a")) != 1:
                    await asyncio.sleep(0.1)
            assert await depth(topology.queue("spine_test", "b")) == 0
            assert await depth(topology.dead_letter_queue(topology.queue("spine_test", "a"))) == 2
            # A consumer, not basic.get: quorum queues with a single active consumer refuse it.
            queue_a = await channel.get_queue(topology.queue("spine_test", "a"))
            async with asyncio.timeout(10), queue_a.iterator() as messages:
                async for replayed in messages:
                    await replayed.ack()
                    break
            assert replayed.message_id == first
            assert replayed.headers["x-epurchasing-replay-count"] == 1

            await asyncio.to_thread(main, ["dlq", "purge", "--queue", "spine_test.a", "--yes"])
            assert await depth(topology.dead_letter_queue(topology.queue("spine_test", "a"))) == 0
        finally:
            await delete_topology(channel, topology)
