"""Benchmark of the whole system: K procurements in flight through all 27 SOP steps, over HTTP,
as the right actors (the demo driver's steps), for a fixed time; prints figures, asserts nothing.

    make bench                                   # K = 8 and 32, 60 s each (BENCH_ARGS=...)
    .venv/bin/python benchmarks/bench_system.py --k 8,32,128 --seconds 60 [--seed 500]
    .venv/bin/python benchmarks/bench_system.py --use-running --k 8   # services of `make run`
    .venv/bin/python benchmarks/bench_system.py --work-units 8   # drives in 8 work units

It starts the four services as ``make run`` does (``python -m <service> migrate-and-serve``,
``DEVELOPMENT_MODE=true``, a development mail catcher) on fresh databases of its own
(``bench_<run>_<service>``), free ports and its own topology prefix (``bench<run>.``), all
removed at the end. For each K it warms up, then measures ``--seconds``:

- completed procurements/s (the driver returned after step 27, the PPK's rating);
- HTTP requests/s and events/s (published by the relays, applied by the consumers);
- API latency p50/p99 per endpoint class (service x read / write / upload / poll);
- hand-off latency p50/p99 per event type, from the services' databases: the event's time
  (the clock when the use case records it, in the producer's transaction: what the use case
  does after it, the spine's writes and the commit count in the relay's part) to the relay's
  confirmed publish (``outbox.published_at``, the time it marks the row) and to the
  consumer's inbox row (``inbox.received_at``, written first in the consumer's transaction);
  and, where the server decodes its WAL (``wal_level = logical``), the hand-off as the issue
  defines it, from the producer's commit to the consumer's commit, both the server's own
  commit times (``commit_clock.py``);
- CPU (% of one core) and peak RSS of each service, the driver, RabbitMQ and PostgreSQL
  (PostgreSQL: every backend on the server, other users' included);
- then, in the same run, the raw ceilings of this machine: PostgreSQL commits/s (one-row
  INSERT, autocommit, 8 connections), RabbitMQ confirmed publishes/s and consumed acks/s
  (one persistent quorum queue, 1 KB messages), and one FastAPI write (a one-row INSERT in an
  async SQLAlchemy session behind uvicorn) requests/s; with the ratios of the system's rates
  to them.

The offer window (``--offer-window``, default ``auto``): in auto mode each drive sets its
deadline at step 9 from its OWN last writes just before it, step 6's POST and step 8's PATCH:
max(1 s, 16 x the slower one's latency, Retry-After waits included), since the opening and
the three vendors' offers (four writes one after another) must land before the deadline,
with a margin for slower writes and one refusal by admission control
(``epurchasing_demo.steps_competition.ADAPTIVE_WINDOW_WRITES``, which says why 16). A number
of seconds gives every drive that fixed window. The report gives the windows used (p50 / max).

When it starts the services itself (not ``--use-running``), it also measures for each
service the time from spawning ``python -m <service> migrate-and-serve`` to its first 200
from ``GET /readyz`` (polled every 20 ms; the four start together, as with ``make run``, and
the time includes migrating a fresh database), and the same again when the four are
restarted at the end on their already-migrated databases; and its idle RSS (``VmRSS``):
right after the four are ready, before any load, and 3 s after the last K's load has
drained. Goals reported beside them: idle RSS <= 100 MB, start to ``/readyz`` <= 3 s. The
services run on this interpreter (the development venv, whose test and lint packages the
image does not have) unless ``--service-python`` names another.

``--seed N`` first completes N procurements through the real code path (the same driver, at
K = 32), then measures, to show how cost grows with history.
"""

import argparse
import asyncio
import contextlib
import contextvars
import json
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import aiohttp
import asyncpg
import commit_clock
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import Vendor, demo_catalogue, seed_catalogue
from epurchasing_demo.client import (
    SERVICES,
    TRANSPORT_ERRORS,
    Api,
    Endpoints,
    Response,
    http_client,
    send,
)
from epurchasing_demo.driver import drive, final_states
from epurchasing_demo.model import Branches, Outcome
from epurchasing_demo.steps_competition import ADAPTIVE_WINDOW_WRITES
from seed_clone import clone_completed, copy_id, one_completed
from statements import describe_server
from statements import report as report_statements
from statements import snapshot as statements_snapshot

ROOT = Path(__file__).resolve().parents[1]
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
TICKS = os.sysconf("SC_CLK_TCK")
AUTO_BASE_WINDOW = 1.0  # seconds: the least offer window with --offer-window auto
READY_POLL = 0.02  # seconds between two GET /readyz while a service starts
IDLE_SETTLE = 3.0  # seconds of quiet before the idle RSS after the load
# --clone-to: the copies are spread over this much time before the seed (the spine keeps 30
# days by default, so nothing of them is purged during the run).
CLONE_SPAN = timedelta(days=20)
GOAL_IDLE_RSS_MB = 100.0
GOAL_START_TO_READY_S = 3.0
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

POLLING: contextvars.ContextVar[bool] = contextvars.ContextVar("polling", default=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(value: float) -> str:
    return (
        "-" if value != value else f"{value * 1000:.0f}" if value >= 0.1 else f"{value * 1000:.1f}"
    )


# --- processes: CPU and RSS from /proc ---------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError):
        return 0.0


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


class ProcessWatch:
    """CPU seconds between start and stop, peak RSS sampled every second, per label."""

    def __init__(self, groups: dict[str, Any]) -> None:
        # label -> pid, or a callable giving the pids now (PostgreSQL's backends come and go)
        self.groups = groups
        self.cpu0: dict[str, dict[int, float]] = {}
        self.cpu1: dict[str, dict[int, float]] = {}
        self.peak: dict[str, float] = defaultdict(float)
        self._task: asyncio.Task[None] | None = None

    def _pids(self, label: str) -> list[int]:
        target = self.groups[label]
        return list(target()) if callable(target) else [target]

    def _snapshot(self) -> dict[str, dict[int, float]]:
        return {label: {p: cpu_seconds(p) for p in self._pids(label)} for label in self.groups}

    async def _sample(self) -> None:
        while True:
            for label in self.groups:
                total = sum(rss_mb(p) for p in self._pids(label))
                self.peak[label] = max(self.peak[label], total)
            await asyncio.sleep(1)

    def start(self) -> None:
        self.cpu0 = self._snapshot()
        self.peak.clear()
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        self.cpu1 = self._snapshot()
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def cpu(self, label: str, seconds: float) -> float:
        before, after = self.cpu0.get(label, {}), self.cpu1.get(label, {})
        used = sum(after[p] - before.get(p, 0.0) for p in after)
        return 100 * used / seconds


# --- the HTTP client: every request timed and classed -----------------------------------------


@dataclass
class Sample:
    at: float
    seconds: float
    key: str  # "<service> <class>"
    endpoint: str  # "<service> <METHOD> <path template>"
    status: int


class TimedApi(Api):
    """The driver's Api with every request timed and classed: its service (by port), its
    class (poll / read / upload / write), its path template and status."""

    def __init__(self, endpoints: Endpoints, http: aiohttp.ClientSession) -> None:
        super().__init__(endpoints, http)
        self.by_port = {urlsplit(endpoints.of(name)).port: name for name in SERVICES}
        self.samples: list[Sample] = []

    async def request(self, method: str, url: str, **kwargs: Any) -> Response:
        started = time.perf_counter()
        response = await super().request(method, url, **kwargs)
        took = time.perf_counter() - started
        parts = urlsplit(url)
        service = self.by_port.get(parts.port, "?")
        if POLLING.get():
            kind = "poll"
        elif method == "GET":
            kind = "read"
        elif kwargs.get("files"):  # multipart/form-data (form fields alone are urlencoded)
            kind = "upload"
        else:
            kind = "write"
        path = re.sub(r"/\d+(?=/|$)", "/{n}", UUID_RE.sub("{id}", parts.path))
        self.samples.append(
            Sample(
                started,
                took,
                f"{service} {kind}",
                f"{service} {method} {path}",
                response.status_code,
            )
        )
        return response

    async def poll(self, *args: Any, **kwargs: Any) -> Any:
        token = POLLING.set(True)
        try:
            return await super().poll(*args, **kwargs)
        finally:
            POLLING.reset(token)


# --- the system under test ---------------------------------------------------------------------


@dataclass
class System:
    run: str
    workdir: Path
    endpoints: Endpoints
    databases: dict[str, str]  # service -> database name (bench_<run>_<service>)
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    owned: bool = True
    env: dict[str, str] = field(default_factory=dict)
    commands: dict[str, list[str]] = field(default_factory=dict)
    # service -> seconds from spawning the process to its first 200 from /readyz
    start_to_ready: dict[str, float] = field(default_factory=dict)  # fresh database, migrated
    restart_to_ready: dict[str, float] = field(default_factory=dict)  # already migrated

    @property
    def prefix(self) -> str:
        return f"bench{self.run}."

    def dsn(self, service: str) -> str:
        return f"{PG_SERVER}/{self.databases[service]}"

    async def spawn(self, name: str) -> float:
        """Start one process (its output appended to ``<name>.log``); when it was spawned."""
        log = (self.workdir / f"{name}.log").open("ab")
        spawned = time.perf_counter()
        self.processes[name] = await asyncio.create_subprocess_exec(
            *self.commands[name],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.close()  # the child has its own copy
        return spawned

    async def until_ready(self, name: str, spawned: float, http: aiohttp.ClientSession) -> float:
        """Poll ``GET /readyz`` every 20 ms; seconds from ``spawned`` to the first 200."""
        deadline = spawned + 120
        url = f"{self.endpoints.of(name)}/readyz"
        while True:
            process = self.processes[name]
            if process.returncode is not None:
                tail = (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"bench: {name} exited while starting:\n{tail}")
            with contextlib.suppress(*TRANSPORT_ERRORS):
                ready = await send(http, "GET", url)
                if ready.status_code == 200:
                    return time.perf_counter() - spawned
            if time.perf_counter() > deadline:
                raise SystemExit(f"bench: {name} not ready after 120 s (see {self.workdir})")
            await asyncio.sleep(READY_POLL)

    async def start_services(self) -> dict[str, float]:
        """Spawn the four services together (as ``make run`` does); seconds to /readyz each."""
        spawned = {name: await self.spawn(name) for name in SERVICES}
        async with http_client(timeout=2) as http:
            took = await asyncio.gather(*(self.until_ready(n, spawned[n], http) for n in SERVICES))
        return dict(zip(SERVICES, took, strict=True))

    def idle_rss(self) -> dict[str, float]:
        return {name: rss_mb(self.processes[name].pid) for name in SERVICES}


async def start_system(
    run: str, workdir: Path, extra_env: dict[str, str], python: str = sys.executable
) -> System:
    ports = {name: free_port() for name in SERVICES}
    smtp = free_port()
    databases = {name: f"bench_{run}_{name}" for name in SERVICES}
    system = System(
        run,
        workdir,
        Endpoints(**{n: f"http://127.0.0.1:{p}" for n, p in ports.items()}),
        databases,
    )
    env = {
        **os.environ,
        "DEVELOPMENT_MODE": "true",
        "PYTHONUNBUFFERED": "1",
        "AMQP_URL": AMQP,
        "TOPOLOGY_PREFIX": system.prefix,
        "LOG_FORMAT": "json",
        # One load driver on one address is not the clients the limits are for.
        "RATE_LIMITS_ENABLED": "false",
        "ORDERING_SMTP_HOST": "127.0.0.1",
        "ORDERING_SMTP_PORT": str(smtp),
        **extra_env,
    }
    for key in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER"):
        env.pop(key, None)
    for name in SERVICES:
        upper = name.upper()
        env[f"{upper}_PORT"] = str(ports[name])
        env[f"{upper}_DATABASE_URL"] = (
            f"{PG_SERVER.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{databases[name]}"
        )
        env[f"{upper}_DOCUMENT_ROOT"] = str(workdir / "documents" / name)
    system.env = env
    system.commands["mail"] = [
        sys.executable,
        str(ROOT / "scripts" / "mail_catcher.py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(smtp),
    ]
    system.commands |= {n: [python, "-m", n, "migrate-and-serve"] for n in SERVICES}
    await system.spawn("mail")
    try:
        system.start_to_ready = await system.start_services()
    except BaseException:
        await stop_processes(system.processes.values())
        raise
    return system


async def stop_processes(processes: Iterable[asyncio.subprocess.Process]) -> None:
    """SIGTERM, then SIGKILL what has not exited after 20 s."""
    processes = list(processes)
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


async def restart_services(system: System) -> dict[str, float]:
    """Stop the four services and start them again together on their migrated databases;
    seconds from spawning to /readyz each (the migrations run and find nothing to do)."""
    await stop_processes(system.processes[n] for n in SERVICES)
    return await system.start_services()


async def stop_system(system: System, keep_logs: bool) -> None:
    await stop_processes(system.processes.values())
    if system.owned:
        await drop_system(system)
    if not keep_logs:  # with --use-running too: the ceilings' files are there
        shutil.rmtree(system.workdir, ignore_errors=True)


async def drop_system(system: System) -> None:
    """The databases and the topology the bench made for its own services."""
    admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        for name in system.databases.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
    connection = await aio_pika.connect(AMQP)
    async with connection:
        channel = await connection.channel()
        from epurchasing_shared.messaging.topology import Topology, delete_topology

        await delete_topology(channel, Topology(prefix=system.prefix))


# --- the load --------------------------------------------------------------------------------


@dataclass
class Window:
    k: int
    started: float  # perf_counter
    wall_started: datetime
    seconds: float
    completed: list[float] = field(default_factory=list)  # perf_counter of each completion
    durations: list[float] = field(default_factory=list)
    offer_windows: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    procurements: list[str] = field(default_factory=list)


def work_unit_casts(cast: Cast, work_units: int) -> list[Cast]:
    """The drives' work units: ``cast``'s alone (the demo's *dinkes*) for 1, else ``work_units``
    others (``unit-01`` ...), each with its PPK and official and so its own order-number
    counter. Pure."""
    if work_units == 1:
        return [cast]
    return [
        replace(cast, work_unit=f"unit-{n:02d}", work_unit_name=f"Satuan Kerja {n:02d}")
        for n in range(1, work_units + 1)
    ]


async def load(
    api: Api,
    casts: list[Cast],
    vendors: list[Vendor],
    category: str,
    k: int,
    warmup: float,
    seconds: float,
    offer_window: float,
    until_completed: int | None = None,
) -> Window:
    """K workers, each driving one procurement after another in its work unit (worker i in
    ``casts[i % len(casts)]``'s); those completed in the window (after ``warmup``) count.
    With ``until_completed``, run until that many completed. ``offer_window`` 0 is auto:
    each drive's window follows its own steps 6 and 8 (at least 1 s); any other value is
    every drive's window."""
    loop_start = time.perf_counter()
    window = Window(k, loop_start + warmup, datetime.now(UTC), seconds)
    stop = asyncio.Event()

    async def worker(cast: Cast) -> None:
        while not stop.is_set():
            began = time.perf_counter()
            outcome = Outcome()
            try:
                await drive(
                    api,
                    cast,
                    vendors,
                    category,
                    Branches(),
                    offer_window=offer_window or AUTO_BASE_WINDOW,
                    adaptive_offer_window=not offer_window,
                    timeout=60,
                    outcome=outcome,
                )
            except Exception as error:  # counted and reported; the worker goes on
                window.offer_windows += outcome.offer_windows
                what = re.sub(r"\d", "#", UUID_RE.sub("{id}", str(error)))
                window.failures[f"{type(error).__name__}: {what[:150]}"] += 1
                await asyncio.sleep(1)
                continue
            window.offer_windows += outcome.offer_windows
            done = time.perf_counter()
            if until_completed is not None or window.started <= done <= window.started + seconds:
                window.completed.append(done)
                window.durations.append(done - began)
                window.procurements.append(outcome.procurement_id)
                if until_completed is not None and len(window.completed) >= until_completed:
                    stop.set()

    workers = [asyncio.create_task(worker(casts[i % len(casts)])) for i in range(k)]
    if until_completed is None:
        await asyncio.sleep(warmup)
        window.wall_started = datetime.now(UTC)
        await asyncio.sleep(seconds)
        stop.set()
        # Those still in flight finish (uncounted) so the next K starts on a quiet system.
        _, pending = await asyncio.wait(workers, timeout=90)
        for task in pending:
            task.cancel()
    else:
        await asyncio.gather(*workers)
    return window


# --- figures from the services' databases ------------------------------------------------------


async def db_stats(system: System) -> dict[str, tuple[int, int]]:
    """xact_commit and xact_rollback of the four databases (pg_stat_database)."""
    admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
    try:
        rows = await admin.fetch(
            "SELECT datname, xact_commit, xact_rollback FROM pg_stat_database "
            "WHERE datname = ANY($1)",
            list(system.databases.values()),
        )
    finally:
        await admin.close()
    return {r["datname"]: (r["xact_commit"], r["xact_rollback"]) for r in rows}


async def table_scans(system: System) -> dict[tuple[str, str], tuple[int, int]]:
    """Each table's sequential scans and the rows they read so far (pg_stat_user_tables), by
    (service, table): a list or a background task walking a big table shows here."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for service in SERVICES:
        connection = await asyncpg.connect(system.dsn(service))
        try:
            for r in await connection.fetch(
                "SELECT relname, seq_scan, seq_tup_read FROM pg_stat_user_tables"
            ):
                found[(service, r["relname"])] = (r["seq_scan"], r["seq_tup_read"])
        finally:
            await connection.close()
    return found


def print_scans(
    before: dict[tuple[str, str], tuple[int, int]],
    after: dict[tuple[str, str], tuple[int, int]],
    seconds: float,
) -> None:
    """The tables whose sequential scans read 1 000 rows or more in the window."""
    big = []
    for key, (scans, rows) in after.items():
        scans0, rows0 = before.get(key, (0, 0))
        if rows - rows0 >= 1000:
            big.append((rows - rows0, scans - scans0, key))
    if not big:
        print("sequential scans: none read 1 000 rows or more")
        return
    print(
        "sequential scans reading 1 000 rows or more (service.table: scans/s, rows read/s): "
        + "; ".join(
            f"{service}.{table} {scans / seconds:.1f}, {rows / seconds:.0f}"
            for rows, scans, (service, table) in sorted(big, reverse=True)[:8]
        )
    )


@dataclass
class Spine:
    published: int
    consumed: int
    # type -> {"relay": [...], "handoff": [...], "commit": [...] (commit -> commit, when read)}
    by_type: dict[str, dict[str, list[float]]]
    sizes: dict[str, dict[str, int]]
    hops: dict[str, list[float]]  # a hand-off's parts, where the commit times were read


async def spine_figures(
    system: System, since: datetime, until: datetime, commit_times: commit_clock.Commits | None
) -> Spine:
    outbox: dict[Any, tuple[str, datetime, datetime | None]] = {}
    inbox: list[tuple[str, Any, datetime]] = []  # (database, event id, received_at)
    sizes: dict[str, dict[str, int]] = {}
    consumed = 0
    for service in SERVICES:
        connection = await asyncpg.connect(system.dsn(service))
        try:
            for row in await connection.fetch(
                "SELECT event_id, event_type, created_at, published_at FROM outbox "
                "WHERE created_at >= $1 AND created_at < $2",
                since,
                until,
            ):
                outbox[row["event_id"]] = (
                    row["event_type"],
                    row["created_at"],
                    row["published_at"],
                )
            rows = await connection.fetch(
                "SELECT event_id, received_at FROM inbox WHERE received_at >= $1", since
            )
            inbox += [(system.databases[service], r["event_id"], r["received_at"]) for r in rows]
            consumed += sum(1 for r in rows if r["received_at"] < until)
            sizes[service] = {
                table: await connection.fetchval(f"SELECT count(*) FROM {table}")
                for table in ("outbox", "inbox", "idempotency_keys", "history")
            }
        finally:
            await connection.close()
    by_type: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for event_type, created, published in outbox.values():
        if published is not None:
            by_type[event_type]["relay"].append((published - created).total_seconds())
    for _, event_id, received in inbox:
        if event_id in outbox:
            event_type, created, _ = outbox[event_id]
            by_type[event_type]["handoff"].append((received - created).total_seconds())
    hops: dict[str, list[float]] = defaultdict(list)
    if commit_times is not None:
        for event_id, hand_offs in commit_times.hand_offs().items():
            if event_id in outbox:
                by_type[outbox[event_id][0]]["commit"] += hand_offs
        # Each consumed event's hand-off in three: the producer's commit to the relay's mark
        # (after the broker's confirm; the service's clock), to the consumer's first
        # statement (its inbox row; the consumer's clock), to the consumer's commit.
        for database, event_id, received in inbox:
            committed = commit_times.consumed_in.get((database, event_id))
            produced = commit_times.produced.get(event_id)
            published = outbox[event_id][2] if event_id in outbox else None
            if committed is None or produced is None or published is None:
                continue
            hops["commit -> relay's mark"].append((published - produced).total_seconds())
            hops["mark -> consumer's inbox row"].append((received - published).total_seconds())
            hops["inbox row -> consumer's commit"].append((committed - received).total_seconds())
    published = sum(1 for _, _, p in outbox.values() if p is not None)
    return Spine(published, consumed, by_type, sizes, hops)


# --- the raw ceilings ----------------------------------------------------------------------------


async def ceiling_postgres(database: str, seconds: float = 3.0, connections: int = 8) -> float:
    setup = await asyncpg.connect(f"{PG_SERVER}/{database}")
    await setup.execute("CREATE TABLE IF NOT EXISTS bench_ceiling (id bigserial, v text)")
    await setup.close()
    count = 0
    deadline = time.perf_counter() + seconds

    async def writer() -> None:
        nonlocal count
        connection = await asyncpg.connect(f"{PG_SERVER}/{database}")
        try:
            while time.perf_counter() < deadline:
                await connection.execute("INSERT INTO bench_ceiling (v) VALUES ($1)", "x")
                count += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(connections)))
    return count / (time.perf_counter() - started)


async def ceiling_rabbitmq(prefix: str, seconds: float = 3.0) -> tuple[float, float]:
    """Confirmed persistent publishes/s to one quorum queue (256 in flight), then acks/s."""
    connection = await aio_pika.connect(AMQP)
    name = f"{prefix}ceiling"
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
        body = b"x" * 1024
        sent = 0
        in_flight: set[asyncio.Future] = set()
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            while len(in_flight) < 256:
                message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
                in_flight.add(
                    asyncio.ensure_future(channel.default_exchange.publish(message, name))
                )
            done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
            sent += len(done)
        await asyncio.gather(*in_flight)
        sent += len(in_flight)
        publish_rate = sent / (time.perf_counter() - started)
        consumer_channel = await connection.channel()
        await consumer_channel.set_qos(prefetch_count=256)
        consumer_queue = await consumer_channel.get_queue(name)
        got = 0
        finished = asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal got
            await message.ack()
            got += 1
            if got >= sent:
                finished.set()

        started = time.perf_counter()
        tag = await consumer_queue.consume(on_message)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finished.wait(), 120)
        consume_rate = got / (time.perf_counter() - started)
        await consumer_queue.cancel(tag)
        await channel.queue_delete(name)
    return publish_rate, consume_rate


async def ceiling_latencies(database: str, prefix: str, n: int = 200) -> dict[str, list[float]]:
    """One at a time: a one-row INSERT commit, and one confirmed persistent publish to a quorum
    queue (the floor of a hand-off: the producer's commit, the relay's publish, the consumer's
    commit)."""
    found: dict[str, list[float]] = {"commit": [], "publish": []}
    connection = await asyncpg.connect(f"{PG_SERVER}/{database}")
    try:
        for _ in range(n):
            started = time.perf_counter()
            await connection.execute("INSERT INTO bench_ceiling (v) VALUES ($1)", "z")
            found["commit"].append(time.perf_counter() - started)
    finally:
        await connection.close()
    amqp = await aio_pika.connect(AMQP)
    name = f"{prefix}ceiling-latency"
    async with amqp:
        channel = await amqp.channel(publisher_confirms=True)
        await channel.declare_queue(name, durable=True, arguments={"x-queue-type": "quorum"})
        for _ in range(n):
            message = aio_pika.Message(b"x" * 1024, delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
            started = time.perf_counter()
            await channel.default_exchange.publish(message, name)
            found["publish"].append(time.perf_counter() - started)
        await channel.queue_delete(name)
    return found


CEILING_APP = """
import os
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

engine = create_async_engine(os.environ["BENCH_DB"], pool_size=10, max_overflow=10)
app = FastAPI()

@app.post("/write", status_code=201)
async def write(body: dict) -> dict:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO bench_ceiling (v) VALUES (:v)"), {"v": "y"})
    return {"ok": True}
"""


async def ceiling_fastapi(workdir: Path, database: str, seconds: float = 3.0) -> float:
    """Requests/s of one FastAPI process whose POST does one INSERT in one transaction."""
    app_file = workdir / "bench_ceiling_app.py"
    app_file.write_text(CEILING_APP)
    port = free_port()
    env = {
        **os.environ,
        "BENCH_DB": f"{PG_SERVER.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{database}",
    }
    log = (workdir / "ceiling_app.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "uvicorn",
        "bench_ceiling_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--loop",  # as the services run (cli.py)
        "uvloop",
        "--http",
        "httptools",
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=asyncio.subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/write"
    try:
        # The driver's HTTP client and request path (epurchasing_demo.client), as the load.
        async with http_client(timeout=10, limit=0) as http:
            for _ in range(100):
                with contextlib.suppress(*TRANSPORT_ERRORS):
                    await send(http, "POST", url, json={"a": 1})
                    break
                await asyncio.sleep(0.2)
            count = 0
            deadline = time.perf_counter() + seconds

            async def client() -> None:
                nonlocal count
                while time.perf_counter() < deadline:
                    response = await send(http, "POST", url, json={"a": 1})
                    count += response.status_code == 201

            started = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(16)))
            return count / (time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()


# --- the report ----------------------------------------------------------------------------------


def classes(samples: Iterable[Sample]) -> dict[str, list[float]]:
    found: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        found[sample.key].append(sample.seconds)
    return found


def print_run(
    window: Window,
    samples: list[Sample],
    spine: Spine,
    watch: ProcessWatch,
    commits: int,
    rollbacks: int,
    offer_window_auto: bool,
) -> dict[str, float]:
    seconds = window.seconds
    done = len(window.completed)
    rate = done / seconds
    requests = len(samples)
    errors = sum(1 for s in samples if s.status >= 500)
    print(f"\n=== K = {window.k}: {seconds:.0f} s measured ===")
    print(
        f"completed procurements: {done} = {rate:.2f}/s  (one takes p50 "
        f"{pct(window.durations, 0.5):.1f} s, p99 {pct(window.durations, 0.99):.1f} s)"
    )
    if window.failures:
        for what, n in window.failures.most_common(5):
            print(f"  failed x{n} (not counted): {what}")
    print(
        f"HTTP: {requests / seconds:.0f} requests/s ({errors} 5xx); events: "
        f"{spine.published / seconds:.0f} published/s, {spine.consumed / seconds:.0f} applied/s; "
        f"database commits {commits / seconds:.0f}/s (rollbacks {rollbacks / seconds:.0f}/s)"
    )
    print(f"\n{'endpoint class':<24}{'requests/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
    for key, values in sorted(classes(samples).items()):
        print(
            f"{key:<24}{len(values) / seconds:>11.1f}"
            f"{ms(pct(values, 0.5)):>9}{ms(pct(values, 0.99)):>9}"
        )
    # A class's p99 at a few requests/s rests on its few slowest samples; all of them
    # together give a p99 that moves less between windows.
    every = [s.seconds for s in samples]
    print(
        f"{'all requests':<24}{requests / seconds:>11.1f}"
        f"{ms(pct(every, 0.5)):>9}{ms(pct(every, 0.99)):>9}"
    )
    by_endpoint: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample.endpoint].append(sample.seconds)
    print("\nmost time spent (endpoint: calls/s, p50, p99 ms, share of client time):")
    total = sum(s.seconds for s in samples) or 1
    for endpoint, values in sorted(by_endpoint.items(), key=lambda kv: -sum(kv[1]))[:8]:
        print(
            f"  {endpoint:<62}{len(values) / seconds:>6.1f}{ms(pct(values, 0.5)):>7}"
            f"{ms(pct(values, 0.99)):>7}{100 * sum(values) / total:>5.0f}%"
        )
    print(
        f"\n{'event type (hand-off)':<42}{'n':>6}{'relay p50':>10}{'p99':>7}"
        f"{'consumer p50':>13}{'p99':>7}{'commit->commit p50':>19}{'p99':>7}  ms"
    )
    for event_type, parts in sorted(spine.by_type.items()):
        relay, handoff = parts.get("relay", []), parts.get("handoff", [])
        commit = parts.get("commit", [])
        print(
            f"{event_type:<42}{len(relay):>6}{ms(pct(relay, 0.5)):>10}{ms(pct(relay, 0.99)):>7}"
            f"{ms(pct(handoff, 0.5)):>13}{ms(pct(handoff, 0.99)):>7}"
            f"{ms(pct(commit, 0.5)):>19}{ms(pct(commit, 0.99)):>7}"
        )
    all_handoffs = [v for parts in spine.by_type.values() for v in parts.get("handoff", [])]
    all_commits = [v for parts in spine.by_type.values() for v in parts.get("commit", [])]
    print(
        f"{'all consumed events':<42}{len(all_handoffs):>6}{'':>17}"
        f"{ms(pct(all_handoffs, 0.5)):>13}{ms(pct(all_handoffs, 0.99)):>7}"
        f"{ms(pct(all_commits, 0.5)):>19}{ms(pct(all_commits, 0.99)):>7}"
        + (f"  ({len(all_commits)} with both commits in the window)" if all_commits else "")
    )
    if spine.hops:
        print(
            "a consumed event's hand-off in parts, p50 / p99 ms (the mark's time is the relay's "
            "clock, the inbox row's the consumer's): "
            + "; ".join(
                f"{part} {ms(pct(values, 0.5))} / {ms(pct(values, 0.99))}"
                for part, values in spine.hops.items()
            )
        )
    print(f"\n{'process':<14}{'CPU %':>7}{'peak RSS MB':>13}{'CPU ms/procurement':>20}")
    services_cpu = 0.0
    for label in watch.groups:
        busy = watch.cpu(label, seconds)  # % of one core over the window
        per = busy / 100 * seconds / done * 1000 if done else float("nan")
        if label in SERVICES:
            services_cpu += busy
        print(f"{label:<14}{busy:>7.0f}{watch.peak[label]:>13.0f}{per:>20.0f}")
    cpu_per_request = services_cpu / 100 * seconds / requests * 1000 if requests else 0.0
    cpu_per_procurement = services_cpu / 100 * seconds / done * 1000 if done else float("nan")
    print(
        f"the four services: {cpu_per_procurement:.0f} CPU ms per completed procurement, "
        f"{cpu_per_request:.1f} CPU ms per HTTP request (events and background work included)"
    )
    if window.offer_windows:
        how = (
            f"each max({AUTO_BASE_WINDOW:.0f} s, {ADAPTIVE_WINDOW_WRITES} x the drive's "
            "slower of its step-6 and step-8 writes)"
            if offer_window_auto
            else "fixed"
        )
        print(
            f"offer window (p50 / max, {len(window.offer_windows)} openings, {how}): "
            f"{pct(window.offer_windows, 0.5):.1f} / {max(window.offer_windows):.1f} s"
        )
    return {
        "services_cpu_ms_per_procurement": cpu_per_procurement,
        "services_cpu_ms_per_request": cpu_per_request,
        "procurements_per_s": rate,
        "requests_per_s": requests / seconds,
        "events_published_per_s": spine.published / seconds,
        "events_applied_per_s": spine.consumed / seconds,
        "commits_per_s": commits / seconds,
        "api_p50_ms": pct(every, 0.5) * 1000,
        "api_p99_ms": pct(every, 0.99) * 1000,
        "handoff_p50_ms": pct(all_handoffs, 0.5) * 1000,
        "handoff_p99_ms": pct(all_handoffs, 0.99) * 1000,
        "handoff_commit_p50_ms": pct(all_commits, 0.5) * 1000,
        "handoff_commit_p99_ms": pct(all_commits, 0.99) * 1000,
        "offer_window_p50_s": pct(window.offer_windows, 0.5),
        "offer_window_max_s": max(window.offer_windows, default=float("nan")),
        "failed_drives": sum(window.failures.values()),
    }


def print_footprint(footprint: dict[str, dict[str, float]]) -> None:
    """Start to /readyz and idle RSS per service, beside the goals."""
    print(
        f"\n=== start and idle footprint (goals: start to /readyz <= "
        f"{GOAL_START_TO_READY_S:.0f} s, idle RSS <= {GOAL_IDLE_RSS_MB:.0f} MB) ==="
    )
    if not footprint:
        print("not measured: --use-running (the bench did not start the services)")
        return
    print(
        f"{'service':<13}{'start to /readyz s':>19}{'restart s':>11}"
        f"{'idle RSS MB at start':>22}{'after load':>12}"
    )
    for name, f in footprint.items():
        print(
            f"{name:<13}{f['start_to_ready_s']:>19.2f}{f['restart_to_ready_s']:>11.2f}"
            f"{f['idle_rss_mb_at_start']:>22.0f}{f['idle_rss_mb_after_load']:>12.0f}"
        )
    print(
        "start to /readyz: from spawning `python -m <service> migrate-and-serve` to the first "
        "200 (polled every 20 ms),\nthe four started together; 'start' includes migrating a "
        "fresh database, 'restart' is the four\nstarted again after the load on their migrated "
        f"databases. Idle RSS (VmRSS): right after the four\nwere ready, and {IDLE_SETTLE:.0f} s "
        "after the last K's load drained."
    )


# --- main ---------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    run = uuid.uuid4().hex[:6]
    workdir = Path(tempfile.mkdtemp(prefix=f"bench_{run}_"))
    extra_env = dict(item.split("=", 1) for item in args.env)
    print(
        f"bench_system: run {run}; {os.cpu_count()} cores; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; logs in {workdir}",
        flush=True,
    )
    print(await describe_server(PG_SERVER), flush=True)
    clock_missing = await commit_clock.unavailable(PG_SERVER)
    slots = commit_clock.Slots(PG_SERVER, run)
    print(
        "hand-off commit -> commit (the server's commit times, logical decoding): "
        + (f"not measured: {clock_missing}" if clock_missing else "measured"),
        flush=True,
    )
    if args.use_running:
        endpoints = Endpoints.from_env()
        databases = {n: f"epurchasing_{n}" for n in SERVICES}
        system = System(run, workdir, endpoints, databases, owned=False)
    else:
        system = await start_system(run, workdir, extra_env, args.service_python)
        rss_at_start = system.idle_rss()
        print(
            "started together, spawn to first 200 from /readyz (migrating fresh databases): "
            + ", ".join(f"{n} {system.start_to_ready[n]:.2f} s" for n in SERVICES),
            flush=True,
        )
    results: list[tuple[str, dict[str, float]]] = []
    footprint: dict[str, dict[str, float]] = {}
    try:
        cast = Cast()
        casts = work_unit_casts(cast, args.work_units)
        print(
            f"work units: {', '.join(c.work_unit for c in casts)} (the drives spread over them)",
            flush=True,
        )
        # No bound on the connections: K drives in flight, each with its requests.
        async with http_client(timeout=60, limit=0) as http:
            api = TimedApi(system.endpoints, http)
            await api.check_reachable()
            spec = demo_catalogue(tag=f"bench{run}")
            vendors = await seed_catalogue(api, cast.admin_headers(), spec)
            if args.seed:
                began = time.perf_counter()
                print(
                    f"seeding {args.seed} completed procurements (real code path, K=32) ...",
                    flush=True,
                )
                seeded = await load(
                    api,
                    casts,
                    vendors,
                    spec.category,
                    32,
                    0,
                    0,
                    args.offer_window,
                    until_completed=args.seed,
                )
                print(
                    f"seeded {len(seeded.completed)} in {time.perf_counter() - began:.0f} s "
                    f"({sum(seeded.failures.values())} failed)",
                    flush=True,
                )
            groups: dict[str, Any] = {}
            if system.owned:
                groups |= {n: system.processes[n].pid for n in SERVICES}
            groups["driver"] = os.getpid()
            groups["rabbitmq"] = lambda: pids_named("beam.smp")
            groups["postgresql"] = lambda: pids_named("postgres")

            async def measure(k: int, label: str) -> None:
                api.samples.clear()
                watch = ProcessWatch(groups)
                stats0: dict[str, tuple[int, int]] = {}
                task = asyncio.create_task(
                    load(
                        api,
                        casts,
                        vendors,
                        spec.category,
                        k,
                        args.warmup,
                        args.seconds,
                        args.offer_window,
                    )
                )
                await asyncio.sleep(args.warmup)
                if clock_missing is None:
                    await slots.open(list(system.databases.values()))
                watch.start()
                stats0 = await db_stats(system)
                scans0 = await table_scans(system)
                statements0 = await statements_snapshot(PG_SERVER, list(system.databases.values()))
                await asyncio.sleep(args.seconds)
                statements1 = await statements_snapshot(PG_SERVER, list(system.databases.values()))
                stats1 = await db_stats(system)
                scans1 = await table_scans(system)
                await watch.stop()
                window = await task
                since = window.wall_started
                until = datetime.fromtimestamp(since.timestamp() + args.seconds, UTC)
                t0, t1 = window.started, window.started + args.seconds
                samples = [s for s in api.samples if t0 <= s.at < t1]
                commit_times = await slots.read() if clock_missing is None else None
                spine = await spine_figures(system, since, until, commit_times)
                commits = sum(stats1[d][0] - stats0.get(d, (0, 0))[0] for d in stats1)
                rollbacks = sum(stats1[d][1] - stats0.get(d, (0, 0))[1] for d in stats1)
                figures = print_run(
                    window, samples, spine, watch, commits, rollbacks, not args.offer_window
                )
                print_scans(scans0, scans1, args.seconds)
                service_of = {d: n for n, d in system.databases.items()}
                figures |= report_statements(statements0, statements1, service_of, args.seconds)
                results.append((label, figures))
                print(
                    "spine tables now (outbox / inbox / idempotency keys / history rows): "
                    + "; ".join(
                        f"{s} {v['outbox']}/{v['inbox']}/{v['idempotency_keys']}/{v['history']}"
                        for s, v in spine.sizes.items()
                    ),
                    flush=True,
                )

            for k in args.k:
                await measure(k, str(k))
            if args.clone_to:
                # The last drives' e-mails and events go out first: only what is over is copied.
                await asyncio.sleep(IDLE_SETTLE)
                print(f"copying the completed procurements up to {args.clone_to} ...", flush=True)
                dsns = {n: system.dsn(n) for n in SERVICES}
                pid, package_id, rating_id = await one_completed(dsns)
                print(await clone_completed(dsns, args.clone_to, CLONE_SPAN), flush=True)
                # The first copy of one of them reads back, through each service's API, in
                # the states of its original.
                original = Outcome(pid, package_ids=[package_id], rating_id=rating_id)
                copy = Outcome(
                    copy_id(pid, 1),
                    package_ids=[copy_id(package_id, 1)],
                    rating_id=copy_id(rating_id, 1),
                )
                states = await final_states(api, cast, original)
                if await final_states(api, cast, copy) != states:
                    raise RuntimeError(f"a copy of {pid} does not read back as its original")
                print(f"a copy reads back through the APIs as its original: {states}", flush=True)
                for k in args.k:
                    await measure(k, f"{k} ({args.clone_to} seeded)")
        if system.owned:
            # The last K's drives have finished (load() waits for them); the relays and
            # consumers finish their part, then the services are idle again.
            await asyncio.sleep(IDLE_SETTLE)
            rss_after_load = system.idle_rss()
            system.restart_to_ready = await restart_services(system)
            footprint = {
                n: {
                    "start_to_ready_s": system.start_to_ready[n],
                    "restart_to_ready_s": system.restart_to_ready[n],
                    "idle_rss_mb_at_start": rss_at_start[n],
                    "idle_rss_mb_after_load": rss_after_load[n],
                }
                for n in SERVICES
            }
        print("\n=== raw ceilings of this machine, same run (the system idle) ===", flush=True)
        database = f"bench_{run}_ceiling"
        admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
        await admin.execute(f'CREATE DATABASE "{database}"')
        await admin.close()
        pg = await ceiling_postgres(database)
        publish, consume = await ceiling_rabbitmq(system.prefix)
        api_write = await ceiling_fastapi(workdir, database)
        latency = await ceiling_latencies(database, system.prefix)
        print(f"PostgreSQL one-row INSERT commits (8 connections): {pg:>8.0f}/s")
        print(f"RabbitMQ confirmed persistent publishes (quorum):  {publish:>8.0f}/s")
        print(f"RabbitMQ consumed and acked (prefetch 256):        {consume:>8.0f}/s")
        print(f"FastAPI write (one INSERT, one transaction):       {api_write:>8.0f} requests/s")
        for what, values in (
            ("one commit, alone", latency["commit"]),
            ("one confirmed publish, alone", latency["publish"]),
        ):
            print(f"{what + ':':<50} p50 {ms(pct(values, 0.5))} ms, p99 {ms(pct(values, 0.99))} ms")
        print(
            f"\n{'K':>4}{'proc/s':>8}{'req/s':>7}{'of API':>8}{'commits/s':>10}{'of PG':>7}"
            f"{'events/s':>9}{'of publish':>11}{'hand-off p50/p99 ms':>21}{'API p50/p99 ms':>16}"
            f"{'commit->commit p50/p99 ms':>28}"
        )
        for k, r in results:
            print(
                f"{k:>4}{r['procurements_per_s']:>8.2f}{r['requests_per_s']:>7.0f}"
                f"{r['requests_per_s'] / api_write:>8.0%}{r['commits_per_s']:>10.0f}"
                f"{r['commits_per_s'] / pg:>7.0%}{r['events_published_per_s']:>9.0f}"
                f"{r['events_published_per_s'] / publish:>11.1%}"
                f"{r['handoff_p50_ms']:>12.0f} / {r['handoff_p99_ms']:<6.0f}"
                f"{r['api_p50_ms']:>8.1f} / {r['api_p99_ms']:<6.1f}"
                f"{ms(r['handoff_commit_p50_ms'] / 1000):>18} / "
                f"{ms(r['handoff_commit_p99_ms'] / 1000)}"
            )
        print_footprint(footprint)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "run": run,
                        "work_units": args.work_units,
                        "results": dict(results),
                        "services": footprint,
                        "goals": {
                            "idle_rss_mb": GOAL_IDLE_RSS_MB,
                            "start_to_ready_s": GOAL_START_TO_READY_S,
                        },
                        "ceilings": {
                            "postgres_commits_per_s": pg,
                            "rabbitmq_publish_per_s": publish,
                            "rabbitmq_consume_per_s": consume,
                            "fastapi_write_per_s": api_write,
                            "commit_p50_ms": pct(latency["commit"], 0.5) * 1000,
                            "publish_p50_ms": pct(latency["publish"], 0.5) * 1000,
                        },
                    },
                    indent=2,
                )
            )
    finally:
        await slots.close()  # a database with a slot cannot be dropped
        await stop_system(system, keep_logs=args.keep_logs)
        admin = await asyncpg.connect(f"{PG_SERVER}/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "bench_{run}_ceiling" WITH (FORCE)')
        await admin.close()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--k",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[8, 32],
        help="procurements in flight, comma-separated (default 8,32)",
    )
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds per K")
    parser.add_argument("--warmup", type=float, default=20, help="unmeasured seconds first")
    parser.add_argument("--seed", type=int, default=0, help="complete N procurements first")
    parser.add_argument(
        "--clone-to",
        type=int,
        default=0,
        help="after the K runs, copy the completed procurements (benchmarks/seed_clone.py) "
        "until about N are in the databases, then run each K again",
    )
    parser.add_argument(
        "--offer-window",
        type=lambda v: 0.0 if v == "auto" else float(v),
        default=0.0,
        help="seconds, or auto (default): per drive, max(1 s, 16 x its steps 6 and 8's latency)",
    )
    parser.add_argument(
        "--work-units",
        type=int,
        default=1,
        help="spread the drives over N work units, each with its own PPK, official and "
        "order-number counter (default 1: all in the demo's dinkes)",
    )
    parser.add_argument("--use-running", action="store_true", help="the services of make run")
    parser.add_argument(
        "--service-python",
        default=sys.executable,
        help="the interpreter that runs the services (default: this one, the development "
        "venv); e.g. a venv of the image's packages only (docs/performance.md says how)",
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=value for the services")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args(argv)
    if args.work_units < 1:
        parser.error("--work-units: at least 1")
    if args.clone_to and args.work_units > 1:
        parser.error("--clone-to checks a copy as the dinkes PPK: not with --work-units above 1")
    if args.clone_to and args.use_running:
        parser.error("--clone-to writes into the databases: not with --use-running")
    if args.service_python != sys.executable:
        if args.use_running:
            parser.error("--service-python starts the services: not with --use-running")
        if not os.access(args.service_python, os.X_OK):
            parser.error(f"--service-python {args.service_python}: not an executable")
    return args


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(parse()))  # the driver on the services' loop: less of the two cores for it
