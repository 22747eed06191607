"""A consumer whose broker connection breaks consumes again once the broker is back."""

import asyncio
from uuid import UUID

from epurchasing_shared.messaging.consumer import consumer_broker, register_consumer
from epurchasing_shared.testing.proxy import TcpProxy

from .conftest import blacklisted, effects, publish_raw, spine_consumer


async def applied(db, entry_id: UUID) -> bool:
    async with db.sessions() as session:
        return bool(await session.scalar(effects.select().where(effects.c.key == str(entry_id))))


async def test_consumers_resume_after_the_connection_to_the_broker_is_lost(
    infrastructure, spine_db, spine_topology
):
    proxy = await TcpProxy(*infrastructure.amqp_address).start()
    broker = consumer_broker(infrastructure.amqp_via("127.0.0.1", proxy.port))
    register_consumer(broker, spec=spine_consumer(spine_db), topology=spine_topology)
    await broker.start()
    try:
        proxy.cut()  # the broker "restarts": every connection breaks, new ones are refused
        await asyncio.sleep(2)
        during = blacklisted()  # published while the consumer is away: waits in its queue
        body = during.model_dump_json().encode()
        await publish_raw(infrastructure.amqp_url, spine_topology.exchange, body, during.type)
        proxy.restore()
        after = blacklisted()
        body = after.model_dump_json().encode()
        await publish_raw(infrastructure.amqp_url, spine_topology.exchange, body, after.type)
        async with asyncio.timeout(60):
            for event in (during, after):
                while not await applied(spine_db, UUID(event.data["entry_id"])):
                    await asyncio.sleep(0.2)
    finally:
        await broker.stop()
        await proxy.stop()
