"""The relay's statements are planned for their own arguments each time, so its mark walks the
outbox's primary key however much the table has grown since the relay began. A generic plan
the server settled on while the outbox was nearly empty reads the whole table for each mark
until an ANALYZE plans it again, and autovacuum, which runs one, may be off or late."""

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.messaging.outbox import record_event
from epurchasing_shared.messaging.relay import OutboxRelay
from epurchasing_shared.messaging.topology import ConsumerQueue, Topology

from .conftest import BLACKLIST_TYPES, SpineDb, blacklisted, declared, scratch_spine_db


@pytest.fixture
async def fresh_spine(infrastructure, run_id: str) -> AsyncIterator[SpineDb]:
    async with scratch_spine_db(infrastructure, f"{run_id}_relay_plans") as db:
        yield db


@pytest.fixture
async def topology(infrastructure, run_id: str) -> AsyncIterator[Topology]:
    """A queue of its own for the events (the relay publishes them as mandatory)."""
    own = Topology(
        prefix=f"{run_id}.relay_plans.",
        consumers=(ConsumerQueue("relay_plans", "kept", BLACKLIST_TYPES),),
    )
    async with declared(infrastructure, own):
        yield own


async def record_one(db: SpineDb) -> None:
    async with db.sessions() as session, session.begin():
        await record_event(session, db.spine.outbox, blacklisted("ok"))


async def test_the_relays_mark_walks_the_primary_key_after_the_outbox_grew(
    infrastructure, fresh_spine: SpineDb, topology: Topology
):
    relay = OutboxRelay(
        session_factory=fresh_spine.sessions,
        outbox=fresh_spine.spine.outbox,
        database_url=fresh_spine.url,
        amqp_url=infrastructure.amqp_url,
        topology=topology,
        clock=SystemClock(),
    )
    try:
        # More marks than the five custom plans after which the server may keep a generic one.
        for _ in range(8):
            await record_one(fresh_spine)
            assert await relay.publish_pending() == 1
        # The outbox grows by 20 000 published rows, and nothing ANALYZEs it.
        async with fresh_spine.sessions() as session, session.begin():
            await session.execute(
                text(
                    "INSERT INTO outbox (event_id, event_type, envelope, created_at, published_at)"
                    " SELECT gen_random_uuid(), 'x', '{}', now(), now()"
                    " FROM generate_series(1, 20000)"
                )
            )
        await record_one(fresh_spine)
        assert await relay.publish_pending() == 1

        # The mark as prepared on the relay's own connection, explained there.
        lead = relay._lead
        assert lead is not None
        name = await lead.fetchval(
            "SELECT name FROM pg_prepared_statements WHERE statement LIKE 'UPDATE outbox SET "
            "published_at%'"
        )
        assert name is not None
        [plan] = json.loads(
            await lead.fetchval(
                f"EXPLAIN (FORMAT JSON) EXECUTE {name}(now(), ARRAY[20005]::bigint[])"
            )
        )
        scan = plan["Plan"]["Plans"][0]
        assert (scan["Node Type"], scan.get("Index Name")) == ("Index Scan", "outbox_pkey")
    finally:
        await relay.close()
