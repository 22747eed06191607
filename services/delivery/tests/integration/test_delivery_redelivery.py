"""Acceptance 3: redelivered and out-of-date order events have no second effect."""

import asyncio
import logging
from collections import Counter

import aio_pika
from delivery_flow import Order, publish, wait_until


async def logged(caplog, fragments: list[str], timeout: float = 15.0) -> None:
    """Wait until every fragment appears in a captured log message (the consumer is async)."""
    for _ in range(int(timeout * 10)):
        messages = [record.getMessage() for record in caplog.records]
        if all(any(f in m for m in messages) for f in fragments):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never logged all of {fragments}")


async def test_redelivered_and_older_events_change_nothing(
    delivery, tokens, infrastructure, topology, caplog
):
    caplog.set_level(logging.INFO, logger="epurchasing.consumer")
    caplog.set_level(logging.INFO, logger="delivery.order_events")
    client, ppk = delivery.client, tokens.ppk()
    order = Order(total=1_000_000)
    issued, acknowledged = order.issued(), order.acknowledged()
    newer, older = order.amended(3, 1_080_000), order.amended(2, 1_040_000)
    await publish(infrastructure.amqp_url, topology, issued, acknowledged, newer)
    await wait_until(client, ppk, order.procurement_id, lambda b: b["order"]["version"] == 3)

    await publish(infrastructure.amqp_url, topology, issued, acknowledged, newer, older)
    # The shared consumer logs each duplicate it skips; delivery logs the stale version.
    await logged(
        caplog,
        [f"duplicate {e.type} {e.id} skipped" for e in (issued, acknowledged, newer)]
        + ["version 2 is older than version 3 followed; ignored"],
    )

    body = (await client.get(f"/fulfilments/{order.procurement_id}", headers=ppk)).json()
    assert (body["state"], body["order"]["version"], body["order"]["total"]) == (
        "ready_for_preparation",
        3,
        1_080_000,
    )
    assert body["version"] == 3  # opened, acknowledged once, amended once
    history = (
        await client.get(f"/procurements/{order.procurement_id}/history", headers=ppk)
    ).json()
    assert Counter(h["action"] for h in history) == {
        "open_fulfilment": 1,
        "acknowledge_order": 1,
        "follow_amendment": 1,
    }


async def test_an_amendment_of_an_unknown_order_is_dead_lettered(
    delivery, infrastructure, topology
):
    stray = Order().amended(2, 500_000)
    await publish(infrastructure.amqp_url, topology, stray)
    dead_letters = topology.dead_letter_queue(topology.queue("delivery", "on_order_events"))
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(dead_letters)
        for _ in range(100):
            message = await queue.get(fail=False, no_ack=True)
            if message is not None and message.message_id == str(stray.id):
                return
            if message is None:
                await asyncio.sleep(0.1)
    raise AssertionError("the stray amendment never reached the DLQ")
