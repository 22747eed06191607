"""A consumer waits out an outage of its own database: nothing dead-lettered, all applied once."""

import asyncio
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import make_url

from epurchasing_shared.db import make_engine, make_session_factory
from epurchasing_shared.messaging.consumer import consumer_broker, register_consumer
from epurchasing_shared.testing.proxy import TcpProxy

from .conftest import SpineDb, blacklisted, effects, publish_raw, spine_consumer
from .test_spine_outbox_inbox import dead_letters


async def counts(db: SpineDb, keys: list[str]) -> dict[str, int]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(effects.c.key, effects.c.count).where(effects.c.key.in_(keys))
        )
        return {key: count for key, count in rows}


async def test_events_arriving_while_the_database_is_cut_are_applied_after_it_returns(
    infrastructure, spine_db: SpineDb, spine_topology
):
    url = make_url(spine_db.url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    engine = make_engine(proxied, pool_timeout=2, connect_args={"timeout": 2})
    through_proxy = SpineDb(proxied, make_session_factory(engine), spine_db.spine)
    broker = consumer_broker(infrastructure.amqp_url)
    spec = spine_consumer(through_proxy)
    register_consumer(broker, spec=spec, topology=spine_topology, outage_seconds=60)
    await dead_letters(infrastructure, spine_topology)  # start from an empty DLQ
    await broker.start()
    try:
        proxy.cut()  # the consumer's database goes away
        events = [blacklisted("ok") for _ in range(8)]
        for event in events:
            body = event.model_dump_json().encode()
            await publish_raw(infrastructure.amqp_url, spine_topology.exchange, body, event.type)
        # Longer than the old requeue loop took to dead-letter everything (~70 ms).
        await asyncio.sleep(4)
        keys = [str(UUID(e.data["entry_id"])) for e in events]
        assert await counts(spine_db, keys) == {}
        proxy.restore()
        async with asyncio.timeout(60):
            while len(applied := await counts(spine_db, keys)) < len(keys):
                await asyncio.sleep(0.2)
        assert applied == dict.fromkeys(keys, 1)
        assert await dead_letters(infrastructure, spine_topology) == []
    finally:
        await broker.stop()
        await engine.dispose()
        await proxy.stop()
