"""What every service's composition root shares: runtime, lifespan, standard endpoints.

A service describes itself with a :class:`ServiceDefinition` (routers, consumers, published
events, who may see a procurement) and :func:`create_service_app` builds the FastAPI app that
serves its API, runs its consumers (aio-pika) and its outbox relay, all in one process.
"""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from uuid import UUID

import aio_pika
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from epurchasing_shared.asyncapi import build_asyncapi, render_asyncapi_html
from epurchasing_shared.auth import Principal, TokenVerifier, current_principal
from epurchasing_shared.calendar import WorkingCalendar, calendar_from_settings
from epurchasing_shared.clock import Clock, SystemClock
from epurchasing_shared.contracts.envelope import EventPayload
from epurchasing_shared.db import Sessions, make_engine, make_session_factory
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.health import Readiness, ReadinessReport
from epurchasing_shared.history import HistoryEntry, read_history
from epurchasing_shared.http.admission import InFlightLimit
from epurchasing_shared.http.cors import install_cors
from epurchasing_shared.http.guard import RequestGuard
from epurchasing_shared.http.openapi import install_openapi, unique_operation_ids
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.http.problems import NotFound, install_problem_handlers, outage
from epurchasing_shared.http.rate_limits import RateLimits
from epurchasing_shared.http.reads import ReadsOutsideTransactions
from epurchasing_shared.messaging.consumer import (
    ConsumerSpec,
    EventConsumers,
    consumer_broker,
    register_consumer,
)
from epurchasing_shared.messaging.relay import OutboxRelay
from epurchasing_shared.messaging.topology import Topology, declare_topology
from epurchasing_shared.metrics import (
    BrokerProbe,
    DatabaseProbe,
    ScrapeCollector,
    ScrapeSources,
    install_metrics,
)
from epurchasing_shared.overdue import OverdueHook, OverdueScanner
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.retention import SpinePurger
from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.spine import SpineTables
from epurchasing_shared.startup import redacted
from epurchasing_shared.tracing import configure_tracing, instrument_app
from epurchasing_shared.turns import TurnFilter, list_turns, turn_json, turns_of_procurement

log = logging.getLogger("epurchasing.service")

SHUTDOWN_STEP_SECONDS = 10
VisibleAggregates = Callable[[AsyncConnection, Principal, UUID], Awaitable[set[UUID] | None]]


async def _all() -> set[UUID] | None:
    return None


CanSeeProcurement = Callable[[AsyncConnection, Principal, UUID], Awaitable[bool]]


@dataclass
class Runtime:
    """Everything a use case or consumer of one service needs from the outside world."""

    settings: ServiceSettings
    clock: Clock
    engine: AsyncEngine
    sessions: Sessions
    spine: SpineTables
    topology: Topology
    documents: DocumentStore
    broker: EventConsumers
    relay: OutboxRelay
    consuming: asyncio.Event = field(default_factory=asyncio.Event)
    # A second, small pool for statements that commit on their own, outside the transaction
    # of the request that needs them (ordering's order-number counter: docs/order-numbers.md);
    # None unless the service's definition asks for it (``autonomous_connections``).
    autonomous: AsyncEngine | None = None
    # The working-day calendar of the settings (built once at start): turns' due times.
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)


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
    # What happens when one of the service's turns is found late, in the transaction that
    # records its step_overdue event (e.g. cancel the package); None: the event only.
    on_overdue: OverdueHook | None = None
    # The service's SQL unit of work factory (so the hook gets its repositories); None: the
    # spine's bare SqlUnitOfWork.
    unit_of_work: Callable[[Runtime], Callable[[Any], SqlUnitOfWork]] | None = None
    # Gauges of the service's own, read from its database at scrape time (e.g. ordering's
    # mail queue): see epurchasing_shared.metrics.
    metrics: Callable[[Runtime], Sequence[DatabaseProbe]] = lambda runtime: ()
    # Connections of the runtime's ``autonomous`` pool (0: none), e.g. ordering's one for its
    # order-number counter, whose lock then lasts one short transaction, not the request's.
    autonomous_connections: int = 0


def build_runtime(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    spine: SpineTables,
    clock: Clock | None,
) -> Runtime:
    clock = clock or SystemClock()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    sessions = make_session_factory(engine)
    autonomous = None
    if definition.autonomous_connections:
        size = definition.autonomous_connections
        autonomous = make_engine(settings.database_url, pool_size=size, max_overflow=0)
    topology = Topology(prefix=settings.topology_prefix, delivery_limit=settings.delivery_limit)
    relay = OutboxRelay(
        session_factory=sessions,
        outbox=spine.outbox,
        database_url=settings.database_url,
        amqp_url=settings.amqp_url,
        topology=topology,
        clock=clock,
        poll_seconds=settings.outbox_poll_seconds,
        service=definition.name,
    )
    return Runtime(
        settings=settings,
        clock=clock,
        engine=engine,
        sessions=sessions,
        spine=spine,
        topology=topology,
        documents=DocumentStore(settings.document_root),
        broker=consumer_broker(
            settings.amqp_url,
            logging.getLogger(f"{definition.name}.broker"),
            prefetch=settings.consumer_prefetch,
            concurrency=settings.consumer_concurrency,
        ),
        relay=relay,
        autonomous=autonomous,
        calendar=calendar_from_settings(settings),
    )


def spine_purger(definition: ServiceDefinition, runtime: Runtime) -> SpinePurger:
    """The retention purge of the service's outbox, inbox and idempotency keys."""
    return SpinePurger(
        service=definition.name,
        sessions=runtime.sessions,
        spine=runtime.spine,
        now=runtime.clock.now,
        retention=timedelta(days=runtime.settings.spine_retention_days),
        interval=runtime.settings.spine_purge_seconds,
    )


def overdue_scanner(definition: ServiceDefinition, runtime: Runtime) -> OverdueScanner:
    """The service's overdue scanner on its runtime (its unit of work and hook)."""
    make = definition.unit_of_work or (lambda rt: SqlUnitOfWork.factory(rt, definition.name))
    return OverdueScanner(
        service=definition.name,
        unit_of_work=make(runtime),
        interval=runtime.settings.overdue_interval,
        on_overdue=definition.on_overdue,
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
            log.warning(
                "cannot reach RabbitMQ at %s (%s); retrying in %.1fs",
                redacted(runtime.settings.amqp_url),
                _without_password(str(error) or type(error).__name__, runtime.settings.amqp_url),
                backoff,
            )
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)


def _without_password(message: str, url: str) -> str:
    password = aio_pika.connection.make_url(url).password
    return message.replace(password, "***") if password else message


def readiness(runtime: Runtime) -> Readiness:
    async def broker_ok(timeout: float) -> bool:
        return runtime.consuming.is_set() and await runtime.broker.ping(timeout=timeout)

    return Readiness(runtime.engine, broker_ok, lambda: runtime.relay.state)


def scrape_collector(definition: ServiceDefinition, runtime: Runtime) -> ScrapeCollector:
    """The service's gauges read at scrape time (see epurchasing_shared.metrics)."""
    topology = runtime.topology
    queues = {
        topology.queue(c.service, c.purpose): topology.dead_letter_queue(
            topology.queue(c.service, c.purpose)
        )
        for c in topology.consumers
        if c.service == definition.name
    }
    return ScrapeCollector(
        ScrapeSources(
            service=definition.name,
            engine=runtime.engine,
            now=runtime.clock.now,
            outbox=runtime.spine.outbox,
            turns=runtime.spine.turns,
            history=runtime.spine.history,
            history_heads=runtime.spine.history_heads,
            queues=queues,
            broker_probe=BrokerProbe(runtime.settings.amqp_url),
            dependencies=readiness(runtime).checks,
            probes=definition.metrics(runtime),
        )
    )


def _standard_router(definition: ServiceDefinition, runtime: Runtime) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", tags=["operations"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    ready = readiness(runtime)

    @router.get(
        "/readyz",
        tags=["operations"],
        response_model=ReadinessReport,
        summary="Database reachable (200 even while the broker is down: writes go to the "
        "outbox); the broker's and the relay's state in the body",
    )
    async def readyz() -> JSONResponse:
        status, body = await ready.answer()
        return JSONResponse(body, status_code=status)

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

    @router.get(
        "/procurements/{procurement_id}/turns",
        tags=["history"],
        summary="Whose turn it was and is at each SOP step of one procurement here, due when",
    )
    async def procurement_turns(
        procurement_id: UUID, principal: Principal = Depends(current_principal)
    ) -> list[dict[str, Any]]:
        async with runtime.sessions() as session:
            if not await definition.can_see_procurement(session, principal, procurement_id):
                raise NotFound(f"procurement {procurement_id} not found")
            turns = await turns_of_procurement(session, runtime.spine.turns, procurement_id)
            visible = await definition.visible_aggregates(session, principal, procurement_id)
        now = runtime.clock.now()
        return [
            turn_json(turn, now, runtime.calendar)
            for turn in turns
            if visible is None or turn.aggregate_id in visible
        ]

    @router.get(
        "/turns",
        tags=["history"],
        summary="Turns (open and done), newest first: auditors and admins see all, a PPK or "
        "official its work unit's, a vendor its own",
    )
    async def turns(
        principal: Principal = Depends(current_principal),
        page: PageParams = Depends(page_params),
        overdue: bool | None = Query(None, description="open and past its due time (or not)"),
        late: bool | None = Query(None, description="done or open after its due time"),
        actor_role: str | None = Query(None, max_length=40),
        actor_id: str | None = Query(None, max_length=200),
        work_unit: str | None = Query(None, max_length=200),
        started_from: date | None = Query(None, alias="from", description="started on/after"),
        started_to: date | None = Query(None, alias="to", description="started on/before"),
    ) -> dict[str, Any]:
        zone = runtime.calendar.zone
        filters = TurnFilter(
            overdue=overdue,
            late=late,
            actor_role=actor_role,
            actor_id=actor_id,
            work_unit=work_unit,
            started_from=_day_edge(started_from, clock_time.min, zone),
            started_to=_day_edge(started_to, clock_time.max, zone),
        )
        now = runtime.clock.now()
        async with runtime.sessions() as session:
            found, cursor = await list_turns(
                session, runtime.spine.turns, principal, filters, page, now
            )
        return {
            "items": [turn_json(turn, now, runtime.calendar) for turn in found],
            "next_cursor": cursor,
        }

    return router


def _day_edge(day: date | None, at: clock_time, zone: Any) -> datetime | None:
    return datetime.combine(day, at, zone) if day is not None else None


def _install_metrics(app: FastAPI, scrape: ScrapeCollector | None = None) -> None:
    install_metrics(app, scrape, on_status=outage.answered)


async def _stop(runtime: Runtime, tasks: list[asyncio.Task[None]]) -> None:
    """Stop background work, consumers and connections, each bounded in time: a stuck
    connection must not keep the process from exiting."""
    for task in tasks:
        task.cancel()
    steps = (
        asyncio.gather(*tasks, return_exceptions=True),
        runtime.broker.stop(),
        runtime.engine.dispose(),
        *([runtime.autonomous.dispose()] if runtime.autonomous is not None else []),
    )
    for step in steps:
        try:
            await asyncio.wait_for(step, timeout=SHUTDOWN_STEP_SECONDS)
        except TimeoutError:
            log.warning("shutdown step did not finish in %ss; going on", SHUTDOWN_STEP_SECONDS)


#: Set by the command line for the process that serves (``cli.service_main``), not by tests
#: that build many apps in one process: once started, what is alive then (modules, tables,
#: routes, compiled statements; about 100 MB) is moved out of the garbage collector's reach
#: (``gc.freeze``), so that its full collections under load no longer walk it
#: (docs/performance.md, fifth round). The collector is off until then (each service's
#: ``__main__`` turns it off before importing anything) and turned back on here.
FREEZE_HEAP_AFTER_START = False


def create_service_app(
    definition: ServiceDefinition,
    settings: ServiceSettings,
    spine: SpineTables,
    clock: Clock | None = None,
) -> FastAPI:
    configure_tracing(definition.name)
    runtime = build_runtime(definition, settings, spine, clock)
    scrape = scrape_collector(definition, runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(_start_consuming(runtime, definition.consumers(runtime))),
            asyncio.create_task(runtime.relay.run()),
        ]
        tasks += [asyncio.create_task(work()) for work in definition.background(runtime)]
        tasks.append(asyncio.create_task(spine_purger(definition, runtime).run()))
        if settings.overdue_scan_enabled:
            tasks.append(asyncio.create_task(overdue_scanner(definition, runtime).run()))
        if FREEZE_HEAP_AFTER_START:
            gc.collect()  # what start left as garbage is freed, not frozen for good
            gc.freeze()
            gc.enable()  # off while starting (``python -m <service>``, its __main__)
        try:
            yield
        finally:
            await _stop(runtime, tasks)
            await scrape.aclose()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
        generate_unique_id_function=unique_operation_ids(),
    )
    install_openapi(app)
    app.state.runtime = runtime
    instrument_app(app, runtime.engine)
    app.state.token_verifier = TokenVerifier(settings)
    install_problem_handlers(app)
    app.add_middleware(ReadsOutsideTransactions)  # innermost: only the route's own reads
    if settings.max_requests_in_flight > 0:  # inside the metrics: a 503 it sheds is counted
        app.add_middleware(
            InFlightLimit,
            limit=settings.max_requests_in_flight,
            queue_seconds=settings.request_queue_seconds,
        )
    _install_metrics(app, scrape)
    if settings.rate_limits_enabled:
        app.add_middleware(
            RateLimits,
            per_address=settings.rate_limit_per_address,
            per_principal=settings.rate_limit_per_principal,
            trust_forwarded=settings.rate_limit_trust_forwarded,
        )
    app.add_middleware(
        RequestGuard,
        max_json_bytes=settings.max_json_bytes,
        max_upload_bytes=settings.max_document_bytes,
    )
    install_cors(app, settings.cors_allowed_origins)  # outermost: preflights answered first
    app.include_router(_standard_router(definition, runtime))
    for router in definition.routers:
        app.include_router(router)
    return app


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def current_runtime(request: Request) -> Runtime:
    """:func:`get_runtime` as a route dependency. Dependencies are ``async``: FastAPI runs a
    plain function in its thread pool, a thread hop per request for a dictionary lookup."""
    return get_runtime(request)
