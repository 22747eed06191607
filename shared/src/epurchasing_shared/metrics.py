"""Prometheus metrics of a service: what an operator asks, answered on ``GET /metrics``.

- **HTTP**: ``http_requests_total{method,route,status}`` (every response, 5xx included; an
  unhandled error counts as 500) and ``http_request_seconds{method,route}``;
- **process**: ``process_*`` (CPU, memory, open files) and ``python_*`` (GC, version);
- **event spine**, counted where it happens (process-wide, labelled by service or consumer):
  ``epurchasing_outbox_published_total``, ``epurchasing_outbox_publish_failures_total`` (the
  relay), ``epurchasing_consumer_messages_total{consumer,outcome}`` (applied, duplicate, retry,
  dead_letter) and ``epurchasing_event_handoff_seconds{consumer,event_type}`` (from the event's
  ``time`` to its effect committed in the consuming service);
- **read at scrape time** (:class:`ScrapeCollector`, each source on a short timeout, a source
  that does not answer is left out and shows in ``epurchasing_scrape_source_up``):
  the outbox backlog and the age of its oldest unpublished row, the consumer queues' and their
  dead-letter queues' depths (passive declares on a cached channel), the open and overdue turns
  per SOP step, the procurements per last SOP step, the state of the database, the broker and
  the relay (``epurchasing_dependency_up``), and what the service adds (ordering: its mail
  queue) through ``ServiceDefinition.metrics``.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection
from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import (
    GC_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from epurchasing_shared.tracing import suppress_instrumentation

log = logging.getLogger("epurchasing.metrics")

SOURCE_TIMEOUT_SECONDS = 2.0
STATEMENT_TIMEOUT_MS = 1500

# --- counted where it happens (one set per process, registered on every app's registry) ---
OUTBOX_PUBLISHED = Counter(
    "epurchasing_outbox_published",
    "Outbox rows the relay published (confirmed by the broker)",
    ["service"],
    registry=None,
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "epurchasing_outbox_publish_failures",
    "Publishes the broker refused or did not confirm (the row stays unsent)",
    ["service"],
    registry=None,
)
CONSUMER_MESSAGES = Counter(
    "epurchasing_consumer_messages",
    "Messages a consumer finished with, by outcome (applied, duplicate, retry, dead_letter, "
    "given_back)",
    ["consumer", "outcome"],
    registry=None,
)
EVENT_HANDOFF = Histogram(
    "epurchasing_event_handoff_seconds",
    "From an event's time (recorded by its publisher) to its effect committed by a consumer",
    ["consumer", "event_type"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
    registry=None,
)
SPINE_COLLECTORS: tuple[Collector, ...] = (
    OUTBOX_PUBLISHED,
    OUTBOX_PUBLISH_FAILURES,
    CONSUMER_MESSAGES,
    EVENT_HANDOFF,
)


def consumed(consumer: str, outcome: str) -> None:
    CONSUMER_MESSAGES.labels(consumer, str(outcome)).inc()


def handed_off(consumer: str, event_type: str, event_time: datetime) -> None:
    EVENT_HANDOFF.labels(consumer, event_type).observe(max(time.time() - event_time.timestamp(), 0))


def relay_published(service: str, count: int) -> None:
    if count:
        OUTBOX_PUBLISHED.labels(service).inc(count)


def relay_failed(service: str) -> None:
    OUTBOX_PUBLISH_FAILURES.labels(service).inc()


# --- read at scrape time ---------------------------------------------------------------------

# What a service adds at scrape time: given a connection to its database, metric families.
DatabaseProbe = Callable[[AsyncConnection], Awaitable[Iterable[Metric]]]


class BrokerProbe:
    """Queue depths by passive declare (no permission needed, nothing created) on one cached
    connection; a failure drops it and the next scrape connects again."""

    def __init__(self, amqp_url: str, timeout: float = SOURCE_TIMEOUT_SECONDS) -> None:
        self._url = amqp_url
        self._timeout = timeout
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None

    async def depths(self, queues: Sequence[str]) -> dict[str, int]:
        try:
            return await asyncio.wait_for(self._depths(queues), self._timeout)
        except BaseException:
            await self.aclose()
            raise

    async def _depths(self, queues: Sequence[str]) -> dict[str, int]:
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect(self._url, timeout=self._timeout)
            self._channel = None
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel()
        found = {}
        for name in queues:
            queue = await self._channel.declare_queue(name, passive=True)
            found[name] = queue.declaration_result.message_count or 0
        return found

    async def aclose(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


@dataclass
class ScrapeSources:
    """Where a service's scrape-time gauges come from."""

    service: str
    engine: AsyncEngine
    now: Callable[[], datetime]
    outbox: Table
    turns: Table | None = None
    history: Table | None = None
    history_heads: Table | None = None
    # Consumer queue -> its dead-letter queue (the service's own consumers).
    queues: dict[str, str] = field(default_factory=dict)
    broker_probe: BrokerProbe | None = None
    # The readiness checks (name -> "ok" or why not), e.g. health.Readiness.checks.
    dependencies: Callable[[], Awaitable[dict[str, str]]] | None = None
    probes: Sequence[DatabaseProbe] = ()


def gauge(name: str, documentation: str, labels: Sequence[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=list(labels))


class ScrapeCollector(Collector):
    """Gauges read when Prometheus scrapes: :meth:`refresh` (async, each source bounded in
    time) reads them, :meth:`collect` (what ``generate_latest`` calls) returns the last read."""

    def __init__(self, sources: ScrapeSources) -> None:
        self.sources = sources
        self._metrics: list[Metric] = []

    def collect(self) -> Iterable[Metric]:
        return list(self._metrics)

    def describe(self) -> Iterable[Metric]:
        return []

    async def refresh(self) -> None:
        metrics: list[Metric] = []
        up = gauge(
            "epurchasing_scrape_source_up",
            "Whether a source of the scrape-time metrics answered in time",
            ["source"],
        )
        with suppress_instrumentation():  # no trace of every scrape's queries
            await self._refresh(metrics, up)
        self._metrics = [*metrics, up]

    async def _refresh(self, metrics: list[Metric], up: GaugeMetricFamily) -> None:
        for name, read in (
            ("dependencies", self._dependencies),
            ("outbox", self._outbox),
            ("turns", self._turns),
            ("pipeline", self._pipeline),
            ("broker_queues", self._queues),
            *((f"service_{i}", self._probe(p)) for i, p in enumerate(self.sources.probes)),
        ):
            try:
                found = await asyncio.wait_for(read(), SOURCE_TIMEOUT_SECONDS + 0.5)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.debug("metrics source %s: %s", name, error)
                up.add_metric([name], 0)
                continue
            if found is not None:
                metrics += found
                up.add_metric([name], 1)

    async def _sql(self, read: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
        async with self.sources.engine.connect() as connection:
            await connection.execute(text(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}"))
            return await read(connection)

    async def _dependencies(self) -> list[Metric] | None:
        if self.sources.dependencies is None:
            return None
        checks = await self.sources.dependencies()
        up = gauge(
            "epurchasing_dependency_up",
            "1 when the dependency answers (database, broker) or works (relay); the body of "
            "/readyz says why not",
            ["dependency"],
        )
        for name, state in checks.items():
            up.add_metric([name], 1 if state == "ok" else 0)
        return [up]

    async def _outbox(self) -> list[Metric]:
        outbox = self.sources.outbox

        async def read(connection: AsyncConnection) -> Any:
            query = select(func.count(), func.min(outbox.c.created_at)).where(
                outbox.c.published_at.is_(None)
            )
            return (await connection.execute(query)).one()

        count, oldest = await self._sql(read)
        backlog = gauge("epurchasing_outbox_backlog", "Outbox rows not yet published")
        backlog.add_metric([], count)
        age = gauge(
            "epurchasing_outbox_oldest_unpublished_seconds",
            "Age of the oldest unpublished outbox row (0 when none)",
        )
        age.add_metric([], (self.sources.now() - oldest).total_seconds() if oldest else 0.0)
        return [backlog, age]

    async def _turns(self) -> list[Metric] | None:
        turns = self.sources.turns
        if turns is None:
            return None
        now = self.sources.now()

        async def read(connection: AsyncConnection) -> Any:
            query = (
                select(
                    turns.c.sop_step,
                    func.count(),
                    func.count().filter(turns.c.due_at < now),
                )
                .where(turns.c.done_at.is_(None))
                .group_by(turns.c.sop_step)
            )
            return (await connection.execute(query)).all()

        open_turns = gauge(
            "epurchasing_turns_open",
            "Open turns (someone's move) per SOP step: procurements waiting at that step",
            ["sop_step"],
        )
        overdue = gauge(
            "epurchasing_turns_overdue",
            "Open turns past their due time per SOP step (docs/time-standards.md)",
            ["sop_step"],
        )
        for step, count, late in await self._sql(read):
            open_turns.add_metric([step], count)
            overdue.add_metric([step], late)
        return [open_turns, overdue]

    async def _pipeline(self) -> list[Metric] | None:
        history, heads = self.sources.history, self.sources.history_heads
        if history is None or heads is None:
            return None

        async def read(connection: AsyncConnection) -> Any:
            query = (
                select(history.c.sop_step, history.c.to_state, func.count())
                .select_from(heads.join(history, history.c.seq == heads.c.last_seq))
                .group_by(history.c.sop_step, history.c.to_state)
            )
            return (await connection.execute(query)).all()

        family = gauge(
            "epurchasing_procurements_by_last_step",
            "Procurements of this service by the SOP step and state of their latest history entry",
            ["sop_step", "state"],
        )
        for step, state, count in await self._sql(read):
            family.add_metric([step or "", state or ""], count)
        return [family]

    async def _queues(self) -> list[Metric] | None:
        probe, queues = self.sources.broker_probe, self.sources.queues
        if probe is None or not queues:
            return None
        depths = await probe.depths([*queues, *queues.values()])
        ready = gauge(
            "epurchasing_queue_messages", "Messages waiting in a consumer queue", ["queue"]
        )
        dead = gauge(
            "epurchasing_dlq_messages",
            "Dead letters of a consumer queue (epurchasing dlq list --queue ...)",
            ["queue"],
        )
        for queue, dead_letters in queues.items():
            ready.add_metric([queue], depths[queue])
            dead.add_metric([queue], depths[dead_letters])
        return [ready, dead]

    def _probe(self, probe: DatabaseProbe) -> Callable[[], Awaitable[list[Metric]]]:
        async def read() -> list[Metric]:
            return list(await self._sql(probe))

        return read

    async def aclose(self) -> None:
        if self.sources.broker_probe is not None:
            await self.sources.broker_probe.aclose()


# --- the app's registry, HTTP middleware and endpoint --------------------------------------


def service_registry() -> CollectorRegistry:
    """A registry of one app: process and platform metrics, the spine's counters."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    registry.register(GC_COLLECTOR)
    for collector in SPINE_COLLECTORS:
        registry.register(collector)
    return registry


class RequestMetrics:
    """Counts and times every HTTP response by method, route template and status. A pure ASGI
    middleware: Starlette's ``@app.middleware("http")`` ran each request in its own task with
    memory streams, which cost more than many endpoints themselves (docs/performance.md)."""

    def __init__(
        self,
        app: Any,
        *,
        requests: Counter,
        latency: Histogram,
        on_status: Callable[[int], None] | None = None,
    ) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency
        self.on_status = on_status

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an unhandled error is a 500 too

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            # The router put the matched route into the (shared) scope on its way in.
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope.get("method", "")
            self.requests.labels(method, route, str(status)).inc()
            self.latency.labels(method, route).observe(time.perf_counter() - started)
            if self.on_status is not None:
                self.on_status(status)


def install_metrics(
    app: FastAPI,
    scrape: ScrapeCollector | None = None,
    on_status: Callable[[int], None] | None = None,
) -> CollectorRegistry:
    """Count every response of ``app`` and serve ``GET /metrics``; ``on_status`` sees every
    status too (the outage log)."""
    registry = service_registry()
    requests = Counter(
        "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
    )
    latency = Histogram(
        "http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
    )
    if scrape is not None:
        registry.register(scrape)

    app.add_middleware(RequestMetrics, requests=requests, latency=latency, on_status=on_status)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", include_in_schema=True)
    async def metrics() -> Response:
        if scrape is not None:
            await scrape.refresh()
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return registry
