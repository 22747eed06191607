"""Metrics and readiness on the real broker and database: a service whose broker is down stays
ready (its writes go to the outbox) and says so; the outbox backlog and its age, the relay's
publishes, the consumers' outcomes and hand-off latency, the dead-letter depths."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.metrics import CONSUMER_MESSAGES, OUTBOX_PUBLISHED, BrokerProbe
from epurchasing_shared.service import ServiceDefinition, create_service_app
from epurchasing_shared.settings import ServiceSettings

from .conftest import SpineDb, blacklisted, publish_raw
from .test_spine_outbox_inbox import eventually, record, relay_for

BROKER_DOWN = "amqp://spine:s3cr3t-pw@127.0.0.1:1/"


def value(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


async def _everyone(session, principal, procurement_id) -> bool:
    return True


def spine_app(db: SpineDb, clock: FixedClock):
    definition = ServiceDefinition(
        name="spine_test",
        title="spine",
        description="spine test service",
        routers=[],
        publishes=[],
        can_see_procurement=_everyone,
    )
    settings = ServiceSettings(database_url=db.url, amqp_url=BROKER_DOWN, development_mode=True)
    return create_service_app(definition, settings, db.spine, clock)


async def test_broker_down_stays_ready_reports_it_and_shows_the_outbox_backlog(spine_db):
    now = datetime.now(UTC)
    app = spine_app(spine_db, FixedClock(now + timedelta(seconds=90)))
    event = blacklisted()  # time: now, so 90 s old on the app's clock
    await record(spine_db, event)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            ready = await client.get("/readyz")
            text = (await client.get("/metrics")).text
    finally:
        await app.state.runtime.engine.dispose()
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "unavailable"
    assert body["checks"]["relay"] == "starting"
    assert "s3cr3t" not in ready.text
    assert value(text, "epurchasing_dependency_up", dependency="database") == 1
    assert value(text, "epurchasing_dependency_up", dependency="broker") == 0
    assert value(text, "epurchasing_dependency_up", dependency="relay") == 0
    assert value(text, "epurchasing_outbox_backlog") >= 1
    assert value(text, "epurchasing_outbox_oldest_unpublished_seconds") >= 89
    assert value(text, "epurchasing_scrape_source_up", source="outbox") == 1
    assert value(text, "epurchasing_scrape_source_up", source="turns") == 1
    assert value(text, "epurchasing_scrape_source_up", source="pipeline") == 1
    # spine_test has no consumer queue in the default topology: nothing to probe.
    assert value(text, "epurchasing_scrape_source_up", source="broker_queues") is None


async def test_relay_and_consumer_outcomes_are_counted_and_dead_letters_measured(
    infrastructure, spine_db, spine_topology, consumer
):
    consumer_name = "spine_test.on_blacklist"

    def count(outcome: str) -> float:
        return CONSUMER_MESSAGES.labels(consumer_name, outcome)._value.get()

    applied, dead = count("applied"), count("dead_letter")
    relay = relay_for(spine_db, spine_topology, infrastructure.amqp_url)
    relay.service = "spine_metrics"
    published = OUTBOX_PUBLISHED.labels("spine_metrics")._value.get()
    await record(spine_db, blacklisted())
    try:
        while await relay.publish_pending():
            pass
    finally:
        await relay.close()  # it led: another test's relay takes the lock next
    assert OUTBOX_PUBLISHED.labels("spine_metrics")._value.get() >= published + 1
    await publish_raw(
        infrastructure.amqp_url,
        spine_topology.exchange,
        b"not json",
        "rating.vendor_blacklisted.v1",
    )

    async def settled() -> bool:
        return count("applied") >= applied + 1 and count("dead_letter") >= dead + 1

    await eventually(settled)
    queue = spine_topology.queue("spine_test", "on_blacklist")
    probe = BrokerProbe(infrastructure.amqp_url)
    try:
        dlq = spine_topology.dead_letter_queue(queue)

        async def dead_lettered() -> bool:
            return (await probe.depths([dlq]))[dlq] >= 1

        await eventually(dead_lettered)
        # A queue that does not exist fails the probe (and it connects again next time).
        missing = f"{queue}.missing-{uuid4().hex[:6]}"
        with pytest.raises(Exception):  # noqa: B017 (aiormq's ChannelNotFoundEntity)
            await probe.depths([missing])
        assert (await probe.depths([queue, dlq]))[queue] >= 0
    finally:
        await probe.aclose()
