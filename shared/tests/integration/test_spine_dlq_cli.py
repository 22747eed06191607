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
