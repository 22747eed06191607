"""The metrics every service serves and the readiness that fits the outbox, without a broker or
database: HTTP counts and latency per route (5xx included), process metrics, the spine's
counters, the scrape-time gauges leaving out (and flagging) a source that does not answer."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from epurchasing_shared import metrics
from epurchasing_shared.db import make_engine
from epurchasing_shared.health import Readiness
from epurchasing_shared.metrics import (
    BrokerProbe,
    ScrapeCollector,
    ScrapeSources,
    install_metrics,
)
from epurchasing_shared.spine import add_spine_tables

UNREACHABLE_DB = "postgresql+asyncpg://nobody:pw@127.0.0.1:1/nothing"
UNREACHABLE_MQ = "amqp://nobody:pw@127.0.0.1:1/"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, tuple(sorted(labels.items()))))


def app_with(scrape: ScrapeCollector | None = None) -> tuple[FastAPI, list[int]]:
    seen: list[int] = []
    app = FastAPI()
    install_metrics(app, scrape, on_status=seen.append)

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> dict:
        if item_id == 0:
            raise RuntimeError("a bug")
        return {"id": item_id}

    return app, seen


async def scrape_of(app: FastAPI) -> str:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return (await client.get("/metrics")).text


async def test_responses_are_counted_per_route_and_status_with_latency_and_process_metrics():
    app, seen = app_with()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/items/1")).status_code == 200
        assert (await client.get("/items/2")).status_code == 200
        assert (await client.get("/items/0")).status_code == 500
        assert (await client.get("/nowhere")).status_code == 404
        text = (await client.get("/metrics")).text
    route = {"method": "GET", "route": "/items/{item_id}"}
    assert value(text, "http_requests_total", **route, status="200") == 2
    assert value(text, "http_requests_total", **route, status="500") == 1
    assert value(text, "http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert value(text, "http_request_seconds_count", **route) == 3
    assert value(text, "http_request_seconds_bucket", **route, le="+Inf") == 3
    assert value(text, "process_cpu_seconds_total") is not None  # ProcessCollector (Linux)
    assert value(text, "process_resident_memory_bytes")
    assert any(name == "python_info" for name, _ in samples(text))
    assert seen[:4] == [200, 200, 500, 404]  # the outage log sees every status


async def test_the_spine_counters_are_on_every_apps_registry():
    metrics.relay_published("svc_a", 3)
    metrics.relay_published("svc_a", 0)
    metrics.relay_failed("svc_a")
    metrics.consumed("svc_a.on_x", "applied")
    metrics.consumed("svc_a.on_x", "dead_letter")
    sent = datetime.now(UTC) - timedelta(seconds=2)
    metrics.handed_off("svc_a.on_x", "svc_b.thing_done.v1", sent)
    first, _ = app_with()
    second, _ = app_with()
    for app in (first, second):
        text = await scrape_of(app)
        assert value(text, "epurchasing_outbox_published_total", service="svc_a") == 3
        assert value(text, "epurchasing_outbox_publish_failures_total", service="svc_a") == 1
        consumer = {"consumer": "svc_a.on_x"}
        assert value(text, "epurchasing_consumer_messages_total", **consumer, outcome="applied")
        assert value(text, "epurchasing_consumer_messages_total", **consumer, outcome="dead_letter")
        handoff = {**consumer, "event_type": "svc_b.thing_done.v1"}
        assert value(text, "epurchasing_event_handoff_seconds_count", **handoff) == 1
        assert value(text, "epurchasing_event_handoff_seconds_sum", **handoff) >= 2
        assert value(text, "epurchasing_event_handoff_seconds_bucket", **handoff, le="1.0") == 0


async def test_a_source_that_does_not_answer_is_left_out_and_flagged():
    from sqlalchemy import MetaData

    spine = add_spine_tables(MetaData())
    engine = make_engine(UNREACHABLE_DB)

    async def dependencies() -> dict[str, str]:
        return {"database": "unavailable: OSError", "broker": "unavailable", "relay": "ok"}

    scrape = ScrapeCollector(
        ScrapeSources(
            service="svc",
            engine=engine,
            now=lambda: datetime.now(UTC),
            outbox=spine.outbox,
            turns=spine.turns,
            history=spine.history,
            history_heads=spine.history_heads,
            queues={"svc.on_x": "svc.on_x.dlq"},
            broker_probe=BrokerProbe(UNREACHABLE_MQ, timeout=1),
            dependencies=dependencies,
        )
    )
    app, _ = app_with(scrape)
    try:
        text = await scrape_of(app)
    finally:
        await scrape.aclose()
        await engine.dispose()
    for source in ("outbox", "turns", "pipeline", "broker_queues"):
        assert value(text, "epurchasing_scrape_source_up", source=source) == 0, source
    assert value(text, "epurchasing_scrape_source_up", source="dependencies") == 1
    assert value(text, "epurchasing_dependency_up", dependency="database") == 0
    assert value(text, "epurchasing_dependency_up", dependency="broker") == 0
    assert value(text, "epurchasing_dependency_up", dependency="relay") == 1
    assert value(text, "epurchasing_outbox_backlog") is None  # not a made-up 0


class FakeReadiness(Readiness):
    def __init__(self, database: str, broker: bool, relay: str) -> None:
        async def broker_ok(timeout: float) -> bool:
            return broker

        super().__init__(engine=None, broker_ok=broker_ok, relay_state=lambda: relay)  # type: ignore[arg-type]
        self._database = database

    async def database(self) -> str:
        return self._database


@pytest.mark.parametrize(
    ("database", "broker", "relay", "status", "word"),
    [
        ("ok", True, "ok", 200, "ready"),
        # Only the broker is down: writes still succeed into the outbox; stay in rotation.
        ("ok", False, "retrying after 3 failures (BrokerUnavailable)", 200, "degraded"),
        ("unavailable: OSError", True, "ok", 503, "not ready"),
    ],
)
async def test_readiness_depends_on_the_database_and_reports_broker_and_relay(
    database, broker, relay, status, word
):
    code, body = await FakeReadiness(database, broker, relay).answer()
    assert code == status
    assert body == {
        "status": word,
        "checks": {
            "database": database,
            "broker": "ok" if broker else "unavailable",
            "relay": relay,
        },
    }


async def test_an_unreachable_database_is_not_ready():
    engine = make_engine(UNREACHABLE_DB)

    async def broker_ok(timeout: float) -> bool:
        return True

    try:
        code, body = await Readiness(engine, broker_ok, lambda: "ok", timeout=2).answer()
    finally:
        await engine.dispose()
    assert code == 503
    assert body["checks"]["database"].startswith("unavailable: ")
