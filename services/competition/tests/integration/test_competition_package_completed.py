"""Closing the loop (27): delivery's completion of the package fulfils the purchase request."""

import asyncio
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import aio_pika

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, make_event

from .competition_steps import offer, ok, publish_event
from .test_competition_rules import eventually, setup


def completion(package_id: str, vendor_id: str) -> PackageCompleted:
    return PackageCompleted(
        package_id=UUID(package_id),
        order_id=uuid4(),
        order_number="SP/dinkes/2026/0001",
        vendor=VendorRef(id=UUID(vendor_id), name="V0"),
        ppk=Party(id="ppk-1", name="Budi"),
        work_unit="dinkes",
        order_total=84_500_000,
        promised_delivery_date=date(2026, 4, 30),
        actual_delivery_date=date(2026, 4, 28),
        on_time=True,
        completed_at=datetime(2026, 4, 29, 3, 0, tzinfo=UTC),
    )


async def dead_letters(amqp_url: str, topology) -> int:
    name = topology.dead_letter_queue(topology.queue("competition", "on_package_completed"))
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(name, passive=True)
        return queue.declaration_result.message_count or 0


async def test_a_completed_package_fulfils_the_request_once(
    service, tokens, infrastructure, topology
):
    buyers, vendors, products, heads, request, competition = await setup(service, tokens)
    cid, client, rid = competition["id"], service.client, request["id"]
    ok(
        await client.post(
            f"/competitions/{cid}/offers",
            json=offer(products[0]["id"], (7_000_000, 7_000_000)),
            headers=heads[0],
        ),
        201,
    )
    service.clock.advance(days=3)
    for step in ("evaluate", "publish", "generate-package"):
        done = ok(await client.post(f"/competitions/{cid}/{step}", headers=buyers.official))
    package_id = done["package"]["package_id"]
    event = make_event(
        service="delivery",
        payload=completion(package_id, vendors[0]["id"]),
        procurement_id=UUID(rid),
        time=datetime.now(UTC),
        actor=Actor(id=buyers.ppk_id, role="ppk"),
        sop_step="27",
    )
    await publish_event(infrastructure.amqp_url, topology.exchange, None, event=event)

    async def fulfilled() -> bool:
        found = ok(await client.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
        return found["state"] == "fulfilled"

    await eventually(fulfilled)
    first = ok(await client.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
    assert first["allowed_actions"] == []
    # The same event again, and the same completion under a new event id: no second change.
    await publish_event(infrastructure.amqp_url, topology.exchange, None, event=event)
    await publish_event(
        infrastructure.amqp_url,
        topology.exchange,
        completion(package_id, vendors[0]["id"]),
        service="delivery",
        procurement_id=UUID(rid),
    )
    await asyncio.sleep(1)  # let the redeliveries pass through the consumer
    again = ok(await client.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
    assert again["version"] == first["version"]
    history = ok(await client.get(f"/procurements/{rid}/history", headers=buyers.ppk))
    (fulfil,) = [h for h in history if h["action"] == "fulfil"]
    assert (fulfil["from_state"], fulfil["to_state"], fulfil["sop_step"]) == (
        "in_competition",
        "fulfilled",
        "27",
    )
    assert fulfil["actor_id"] == buyers.ppk_id and package_id in fulfil["reason"]


async def test_a_completion_of_an_unknown_package_is_dead_lettered(
    service, tokens, infrastructure, topology
):
    buyers, vendors, _, _, request, _ = await setup(service, tokens)
    before = await dead_letters(infrastructure.amqp_url, topology)
    await publish_event(
        infrastructure.amqp_url,
        topology.exchange,
        completion(str(uuid4()), vendors[0]["id"]),
        service="delivery",
        procurement_id=UUID(request["id"]),
    )
    await eventually(lambda: _more_than(infrastructure.amqp_url, topology, before))
    found = ok(await service.client.get(f"/purchase-requests/{request['id']}", headers=buyers.ppk))
    assert found["state"] == "in_competition"


async def _more_than(amqp_url, topology, before) -> bool:
    return await dead_letters(amqp_url, topology) > before
