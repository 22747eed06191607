"""Helpers of the rating integration tests: feeding completions, waiting for ratings."""

import asyncio
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import aio_pika

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import CONTENT_TYPE, Actor, CloudEvent, make_event

ALL_GOOD = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}  # 2.60


def completion(
    *,
    procurement_id: UUID,
    package_id: UUID,
    vendor_id: UUID,
    ppk: str = "ppk-1",
    work_unit: str = "dinkes",
    on_time: bool = True,
) -> CloudEvent:
    """A delivery.package_completed.v1 as the delivery service would publish it."""
    payload = PackageCompleted(
        package_id=package_id,
        order_id=uuid4(),
        order_number=f"SP-{package_id.hex[:6]}",
        vendor=VendorRef(id=vendor_id, name="CV Sumber Makmur"),
        ppk=Party(id=ppk, name=f"PPK {ppk}"),
        work_unit=work_unit,
        order_total=12_500_000,
        promised_delivery_date=date(2026, 2, 20),
        actual_delivery_date=date(2026, 2, 19 if on_time else 23),
        on_time=on_time,
        completed_at=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
    )
    return make_event(
        service="delivery",
        payload=payload,
        procurement_id=procurement_id,
        time=datetime(2026, 2, 27, 3, 0, tzinfo=UTC),
        actor=Actor(id=ppk, role="ppk"),
        sop_step="27",
    )


async def publish(amqp_url: str, exchange: str, event: CloudEvent) -> None:
    """Publish an envelope to the prefixed exchange, routing key = type (as the relay does)."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        target = await channel.get_exchange(exchange)
        message = aio_pika.Message(
            event.model_dump_json(exclude_none=True).encode(),
            content_type=CONTENT_TYPE,
            message_id=str(event.id),
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        await target.publish(message, routing_key=event.type)


async def ratings_of(client, headers, vendor_id: UUID, state: str | None = None) -> list[dict]:
    params = {"vendor_id": str(vendor_id)} | ({"state": state} if state else {})
    response = await client.get("/ratings", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def wait_for_rating(client, headers, vendor_id: UUID, package_id: UUID) -> dict:
    """Poll until the consumer has opened the package's rating; return it."""
    async with asyncio.timeout(15):
        while True:
            for item in await ratings_of(client, headers, vendor_id):
                if item["package_id"] == str(package_id):
                    return item
            await asyncio.sleep(0.05)


async def dead_letter_count(amqp_url: str, topology) -> int:
    """Messages of rating.on_package_completed that ended in its dead-letter queue."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        name = topology.dead_letter_queue(topology.queue("rating", "on_package_completed"))
        queue = await channel.declare_queue(name, passive=True)
        return queue.declaration_result.message_count or 0
