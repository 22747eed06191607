"""Rule 24a across services: an addendum committed in ordering after the BAST is not followed.

Ordering hears of the BAST only from ``delivery.goods_handed_over.v1``, so it may accept such
an addendum; delivery records it as ``amendment_not_applied`` and keeps the total it follows.
"""

import asyncio
from datetime import timedelta
from typing import Any

import aio_pika
from delivery_flow import pay, publish, receive, ship
from test_delivery_payments_flow import delivered_order


async def dead_lettered_ids(amqp_url: str, queue_name: str) -> set[str]:
    """The message ids in a dead-letter queue, left in place (unacked, requeued on close)."""
    ids: set[str] = set()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        while (message := await queue.get(fail=False, no_ack=False)) is not None:
            ids.add(str(message.message_id))
    return ids


async def test_an_addendum_committed_after_the_bast_is_recorded_not_applied(
    delivery, tokens, infrastructure, topology
):
    client, ppk = delivery.client, tokens.ppk()
    order = await delivered_order(delivery, tokens, infrastructure, topology, total=900_000)
    pid = order.procurement_id
    assert (await ship(client, tokens.vendor(order.vendor_id), pid, "delivered")).status_code == 201
    assert (await receive(client, ppk, pid, "bap")).status_code == 200
    assert (await receive(client, ppk, pid, "bast")).status_code == 200
    bast_at = delivery.clock.now()

    late = order.amended(version=2, total=990_000, at=bast_at + timedelta(minutes=1))
    await publish(infrastructure.amqp_url, topology, late)

    async def refusal() -> dict[str, Any]:
        for _ in range(150):  # the consumer is asynchronous
            history = (await client.get(f"/procurements/{pid}/history", headers=ppk)).json()
            found = [h for h in history if h["action"] == "amendment_not_applied"]
            if found:
                return found[0]
            await asyncio.sleep(0.1)
        raise AssertionError(f"no amendment_not_applied in {history}")

    entry = await refusal()
    assert entry["sop_step"] == "24a"
    assert (entry["from_state"], entry["to_state"]) == ("handed_over", "handed_over")
    assert entry["reason"] == (
        f"addendum v2 committed at {late.time.isoformat()} "
        f"after the BAST recorded at {bast_at.isoformat()}"
    )
    body = (await client.get(f"/fulfilments/{pid}", headers=ppk)).json()
    assert (body["order"]["version"], body["order"]["total"], body["remaining"]) == (
        1,
        900_000,
        900_000,
    )
    dead_letters = topology.dead_letter_queue(topology.queue("delivery", "on_order_events"))
    assert str(late.id) not in await dead_lettered_ids(infrastructure.amqp_url, dead_letters)

    over = await pay(client, ppk, pid, 990_000)
    assert over.status_code == 422, over.text
    assert "order total 900000" in over.json()["detail"]
