"""What every service's composition root shares: runtime, lifespan, standard endpoints.

A service describes itself with a :class:`ServiceDefinition` (routers, consumers, published
events, who may see a procurement) and :func:`create_service_app` builds the FastAPI app that
serves its API, runs its consumers on FastStream and its outbox relay, all in one process.
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import aio_pika
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from faststream.rabbit import RabbitBroker
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from epurchasing_shared.asyncapi import build_asyncapi, render_asyncapi_html
from epurchasing_shared.auth import Principal, TokenVerifier, current_principal
from epurchasing_shared.clock import Clock, SystemClock
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.db import make_engine, make_session_factory, transaction
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.history import HistoryEntry, read_history
from epurchasing_shared.http.guard import RequestGuard
from epurchasing_shared.http.problems import NotFound, install_problem_handlers, outage
from epurchasing_shared.messaging.consumer import ConsumerSpec, consumer_broker, register_consumer
from epurchasing_shared.messaging.outbox import record_event
from epurchasing_shared.messaging.relay import OutboxRelay
from epurchasing_shared.messaging.topology import Topology, declare_topology
from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.spine import SpineTables
from epurchasing_shared.tracing import configure_tracing, instrument_app

log = logging.getLogger("epurchasing.service")

SHUTDOWN_STEP_SECONDS = 10
VisibleAggregates = Callable[[AsyncSession, Principal, UUID], Awaitable[set[UUID] | None]]


async def _all() -> set[UUID] | None:
    return None


CanSeeProcurement = Callable[[AsyncSession, Principal, UUID], Awaitable[bool]]


@dataclass
class Runtime:
    """Everything a use case or consumer of one service needs from the outside world."""

    settings: ServiceSettings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    spine: SpineTables
    topology: Topology
    documents: DocumentStore
    broker: RabbitBroker
    relay: OutboxRelay
    consuming: asyncio.Event = field(default_factory=asyncio.Event)

    def unit_of_work(self) -> AbstractAsyncContextManager[AsyncSession]:
        return transaction(self.sessions)

    async def record(self, session: AsyncSession, event: CloudEvent) -> None:
        await record_event(session, self.spine.outbox, event)


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    routers: Sequence[APIRouter]
    publishes: Sequence[type[EventPayload]]
    can_see_procurement: CanSeeProcurement
    consumers: Callable[[Runtime], Sequence[ConsumerSpec]] = lambda runtime: ()
    # Where one procurement holds several aggregates not every caller may see (e.g. a
    # cancelled package of one vendor and the new package of another), the ids of those the
    # caller may see; None means all of them. Filters GET /procurements/{id}/history.
    visible_aggregates: VisibleAggregates = lambda session, principal, procurement_id: _all()
    version: str = "1.0.0"
    # Extra background work of the service (e.g. a mail sender), started with the app.
    background: Callable[[Runtime], Sequence[Callable[[], Coroutine[Any, Any, None]]]] = (
        lambda runtime: ()
    )


def build_runtime(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    spine: SpineTables,
    clock: Clock | None,
) -> Runtime:
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    topology = Topology(prefix=settings.topology_prefix, delivery_limit=settings.delivery_limit)
    relay = OutboxRelay(
        session_factory=sessions,
        outbox=spine.outbox,
        database_url=settings.database_url,
        amqp_url=settings.amqp_url,
        topology=topology,
        clock=clock,
        poll_seconds=settings.outbox_poll_seconds,
    )
    return Runtime(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        spine=spine,
        topology=topology,
        documents=DocumentStore(settings.document_root),
        broker=consumer_broker(settings.amqp_url, logging.getLogger(f"{definition.name}.broker")),
        relay=relay,
    )


async def _start_consuming(runtime: Runtime, consumers: Sequence[ConsumerSpec]) -> None:
    """Declare the topology and start the consumers, retrying while the broker is away."""
    for spec in consumers:
        register_consumer(
            runtime.broker,
            spec=spec,
            topology=runtime.topology,
            outage_seconds=runtime.settings.consumer_outage_seconds,
        )
    backoff = 0.5
    while True:
        try:
            connection = await aio_pika.connect(runtime.settings.amqp_url, timeout=10)
            async with connection:
                await declare_topology(await connection.channel(), runtime.topology)
            await runtime.broker.start()
            runtime.consuming.set()
            return
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.warning("broker not ready (%s); retrying in %.1fs", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


def _standard_router(definition: ServiceDefinition, runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", tags=["operations"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", tags=["operations"], summary="Database and broker reachable")
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            async with runtime.engine.connect() as connection:
                await asyncio.wait_for(connection.execute(text("SELECT 1")), timeout=3)
            checks["database"] = "ok"
        except Exception as error:  # any failure means not ready
            checks["database"] = f"unavailable: {type(error).__name__}"
        broker_ok = runtime.consuming.is_set() and await runtime.broker.ping(timeout=3)
        checks["broker"] = "ok" if broker_ok else "unavailable"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    asyncapi = build_asyncapi(
        service=definition.name,
        title=f"{definition.title} events",
        version=definition.version,
        topology=runtime.topology,
        publishes=list(definition.publishes),
    )

    @router.get(
        "/asyncapi.json", tags=["operations"], summary="AsyncAPI document of this service's events"
    )
    async def asyncapi_json() -> dict[str, Any]:
        return asyncapi

    @router.get(
        "/asyncapi", tags=["operations"], response_class=HTMLResponse, summary="AsyncAPI, readable"
    )
    async def asyncapi_html() -> str:
        return render_asyncapi_html(asyncapi)

    @router.get(
        "/procurements/{procurement_id}/history",
        tags=["history"],
        response_model=list[HistoryEntry],
        summary="This service's append-only history of one procurement",
    )
    async def procurement_history(
        procurement_id: UUID, principal: Principal = Depends(current_principal)
    ) -> list[HistoryEntry]:
        async with runtime.sessions() as session:
            if not await definition.can_see_procurement(session, principal, procurement_id):
                raise NotFound(f"procurement {procurement_id} not found")
            entries = await read_history(session, runtime.spine.history, procurement_id)
            visible = await definition.visible_aggregates(session, principal, procurement_id)
            if visible is None:
                return entries
            return [entry for entry in entries if entry.aggregate_id in visible]

    return router


def _install_metrics(app: FastAPI) -> None:
    registry = CollectorRegistry()
    requests = Counter(
        "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
    )
    latency = Histogram(
        "http_request_seconds", "HTTP request latency", ["method", "route"], registry=registry
    )

    @app.middleware("http")
    async def measure(request: Request, call_next):
        started = time.perf_counter()
        status = 500  # unless a response comes back: an unhandled error is a 500 too
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = getattr(request.scope.get("route"), "path", "unmatched")
            requests.labels(request.method, route, str(status)).inc()
            latency.labels(request.method, route).observe(time.perf_counter() - started)
            outage.answered(status)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", include_in_schema=True)
    async def metrics() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


async def _stop(runtime: Runtime, tasks: list[asyncio.Task[None]]) -> None:
    """Stop background work, consumers and connections, each bounded in time: a stuck
    connection must not keep the process from exiting."""
    for task in tasks:
        task.cancel()
    steps = (
        asyncio.gather(*tasks, return_exceptions=True),
        runtime.broker.stop(),
        runtime.engine.dispose(),
    )
    for step in steps:
        try:
            await asyncio.wait_for(step, timeout=SHUTDOWN_STEP_SECONDS)
        except TimeoutError:
            log.warning("shutdown step did not finish in %ss; going on", SHUTDOWN_STEP_SECONDS)


def create_service_app(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    spine: SpineTables,
    clock: Clock | None = None,
) -> FastAPI:
    configure_tracing(definition.name)
    runtime = build_runtime(definition, settings, spine, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(_start_consuming(runtime, definition.consumers(runtime))),
            asyncio.create_task(runtime.relay.run()),
        ]
        tasks += [asyncio.create_task(work()) for work in definition.background(runtime)]
        try:
            yield
        finally:
            await _stop(runtime, tasks)

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    instrument_app(app, runtime.engine)
    app.state.token_verifier = TokenVerifier(settings)
    install_problem_handlers(app)
    _install_metrics(app)
    app.add_middleware(
        RequestGuard,
        max_json_bytes=settings.max_json_bytes,
        max_upload_bytes=settings.max_document_bytes,
    )
    app.include_router(_standard_router(definition, runtime))
    for router in definition.routers:
        app.include_router(router)
    return app


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime
