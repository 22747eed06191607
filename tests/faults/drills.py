"""The fault suite's helpers: services as real processes (``python -m <service> serve``), each
drill with fresh databases (copied from a migrated template), a topology of its own, TCP proxies
in front of the broker or PostgreSQL where a drill cuts them, and effect counters that read the
services' databases from outside.

Every drill prints one line ``drill=<name> expected=N lost=L doubled=D seconds=S`` (also in
the terminal summary) and asserts ``lost == doubled == 0``.
"""

import asyncio
import os
import secrets
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
from sqlalchemy.engine import make_url

from epurchasing_shared.contracts.competition import PackageGenerated
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent, make_event
from epurchasing_shared.messaging.relay import amqp_message
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.testing.infrastructure import Infrastructure
from epurchasing_shared.testing.mail import free_port
from epurchasing_shared.testing.proxy import TcpProxy
from epurchasing_shared.testing.spy import ExchangeSpy, start_spy
from epurchasing_shared.testing.tokens import Tokens

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("competition", "ordering", "delivery", "rating")
SUMMARY: list[str] = []


def _pg(url: str) -> str:
    """An asyncpg DSN for a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def wait_until(
    check: Callable[[], Awaitable[Any]],
    timeout: float,
    what: Callable[[], Awaitable[str]] | str,
    every: float = 0.2,
) -> Any:
    """Poll ``check`` until it returns something truthy; fail saying ``what`` is missing."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = what if isinstance(what, str) else await what()
            raise AssertionError(f"after {timeout:.0f}s: {detail}")
        await asyncio.sleep(every)


@dataclass
class Tally:
    """Effects found by business key against those expected exactly once."""

    expected: int
    lost: list[Any]
    doubled: dict[Any, int]
    unexpected: list[Any]

    @classmethod
    def of(cls, expected: Iterable[Any], present: Counter) -> "Tally":
        wanted = set(expected)
        return cls(
            expected=len(wanted),
            lost=sorted((k for k in wanted if present[k] == 0), key=str),
            doubled={k: n for k, n in present.items() if n > 1},
            unexpected=sorted((k for k in present if k not in wanted), key=str),
        )

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.expected + other.expected,
            self.lost + other.lost,
            {**self.doubled, **other.doubled},
            self.unexpected + other.unexpected,
        )

    @property
    def complete(self) -> bool:
        return not self.lost

    def describe(self) -> str:
        return (
            f"lost {len(self.lost)} of {self.expected} (first: {self.lost[:5]}), "
            f"doubled {self.doubled_count} ({list(self.doubled.items())[:5]}), "
            f"unexpected {self.unexpected[:5]}"
        )

    @property
    def doubled_count(self) -> int:
        return sum(n - 1 for n in self.doubled.values())


class Service:
    """One service process; ``start`` again after ``kill``/``terminate`` restarts it."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.env = env
        self.log = log
        self.port = int(env[f"{name.upper()}_PORT"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, ready: bool = True) -> "Service":
        with self.log.open("ab") as log:
            log.write(f"\n===== start {time.strftime('%X')}\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                self.name,
                "serve",
                env=self.env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        if ready:
            await self.ready()
        return self

    async def ready(self, timeout: float = 60) -> None:
        async def answers() -> bool:
            assert self.process is not None
            assert self.process.returncode is None, f"{self.name} exited:\n{self.tail()}"
            try:
                async with httpx.AsyncClient(timeout=2) as client:
                    return (await client.get(f"{self.url}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False

        await wait_until(answers, timeout, lambda: self._not_ready(), every=0.2)

    async def _not_ready(self) -> str:
        return f"{self.name} not ready:\n{self.tail()}"

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        """kill -9: no shutdown, no acknowledgement, no last commit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, timeout: float = 30) -> int:
        """SIGTERM (what an orchestrator sends); the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        if self.alive:
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.send_signal(signal.SIGKILL)
                await self.process.wait()


@dataclass
class Drill:
    name: str
    infrastructure: Infrastructure
    topology: Topology
    root: Path
    template: Callable[[str], str]
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    databases: dict[str, str] = field(default_factory=dict)
    services: list[Service] = field(default_factory=list)
    proxies: list[TcpProxy] = field(default_factory=list)
    spy: ExchangeSpy | None = None
    started: float = field(default_factory=time.monotonic)
    _connections: dict[str, asyncpg.Connection] = field(default_factory=dict)
    _amqp: aio_pika.abc.AbstractRobustConnection | None = None

    @property
    def tokens(self) -> Tokens:
        return Tokens(ServiceSettings(jwt_secret=self.secret))

    async def database(self, service: str) -> str:
        """This drill's database of ``service`` (a copy of the migrated template)."""
        if service not in self.databases:
            name = f"{self.topology.prefix.replace('.', '_').rstrip('_')}_{service}"
            admin = await asyncpg.connect(_pg(self.infrastructure.database("postgres")))
            try:
                await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template(service)}"')
            finally:
                await admin.close()
            self.databases[service] = self.infrastructure.database(name)
        return self.databases[service]

    async def proxy(self, target: tuple[str, int]) -> TcpProxy:
        proxy = await TcpProxy(*target).start()
        self.proxies.append(proxy)
        return proxy

    async def postgres_proxy(self) -> TcpProxy:
        url = make_url(self.infrastructure.database_url)
        return await self.proxy((url.host or "127.0.0.1", url.port or 5432))

    async def broker_proxy(self) -> TcpProxy:
        return await self.proxy(self.infrastructure.amqp_address)

    async def service(
        self,
        name: str,
        *,
        replica: str = "",
        database_via: TcpProxy | None = None,
        broker_via: TcpProxy | None = None,
        start: bool = True,
        **extra: str,
    ) -> Service:
        """A process of ``name`` on this drill's database and topology (through a proxy if
        given), started and ready unless ``start=False``."""
        url = await self.database(name)
        if database_via is not None:
            via = make_url(url).set(host="127.0.0.1", port=database_via.port)
            url = via.render_as_string(hide_password=False)
        amqp = self.infrastructure.amqp_url
        if broker_via is not None:
            amqp = self.infrastructure.amqp_via("127.0.0.1", broker_via.port)
        prefix = name.upper()
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "DEVELOPMENT_MODE": "true",
            "AMQP_URL": amqp,
            "TOPOLOGY_PREFIX": self.topology.prefix,
            "DELIVERY_LIMIT": str(self.topology.delivery_limit),
            "JWT_SECRET": self.secret,
            "COMPETITION_AUTO_EVALUATE_SECONDS": "0",
            "ORDERING_SMTP_HOST": "127.0.0.1",
            "ORDERING_SMTP_PORT": str(free_port()),
            f"{prefix}_PORT": str(free_port()),
            f"{prefix}_DATABASE_URL": url,
            f"{prefix}_DOCUMENT_ROOT": str(self.root / "documents" / name),
            f"{prefix}_OUTBOX_POLL_SECONDS": "1",
            # One JSON object a line: console tracebacks (rich, with locals) take ~1 s each
            # on this machine, which a drill full of retried failures cannot afford.
            "LOG_FORMAT": "json",
            **extra,
        }
        for key in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER"):
            env.pop(key, None)
        service = Service(name, env, self.root / f"{name}{replica}.log")
        self.services.append(service)
        if start:
            await service.start()
        return service

    def cli_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DEVELOPMENT_MODE": "true",
            "AMQP_URL": self.infrastructure.amqp_url,
            "TOPOLOGY_PREFIX": self.topology.prefix,
        }

    async def start_spy(self) -> ExchangeSpy:
        self.spy, stop = await start_spy(self.infrastructure.amqp_url, self.topology.exchange)
        self._stop_spy = stop
        return self.spy

    # --- the broker, from outside -------------------------------------------------------------

    async def channel(self) -> aio_pika.abc.AbstractChannel:
        if self._amqp is None:
            self._amqp = await aio_pika.connect_robust(self.infrastructure.amqp_url)
        return await self._amqp.channel(publisher_confirms=True)

    async def publish(self, events: Iterable[CloudEvent]) -> None:
        """Publish events as a producer's relay would (persistent, confirmed, mandatory)."""
        channel = await self.channel()
        exchange = await channel.get_exchange(self.topology.exchange)
        for event in events:
            envelope = event.model_dump(mode="json", exclude_none=True)
            await exchange.publish(
                amqp_message(envelope, None), routing_key=event.type, mandatory=True
            )
        await channel.close()

    async def publish_raw(self, queue: str, body: bytes, message_id: str) -> None:
        """A message straight into one consumer queue (no prefix), e.g. poison."""
        channel = await self.channel()
        await channel.default_exchange.publish(
            aio_pika.Message(body, message_id=message_id, delivery_mode=2),
            routing_key=self.topology.prefix + queue,
            mandatory=True,
        )
        await channel.close()

    async def depth(self, queue: str) -> int:
        """Messages ready in a queue (name without prefix)."""
        channel = await self.channel()
        try:
            declared = await channel.declare_queue(self.topology.prefix + queue, passive=True)
            return int(declared.declaration_result.message_count or 0)
        finally:
            await channel.close()

    async def dead_lettered(self, *queues: str) -> dict[str, int]:
        """Dead letters of each consumer queue (names without prefix) that has any."""
        depths = {queue: await self.depth(queue + ".dlq") for queue in queues}
        return {queue: n for queue, n in depths.items() if n}

    async def consumers_of(self, queue: str) -> int:
        channel = await self.channel()
        try:
            declared = await channel.declare_queue(self.topology.prefix + queue, passive=True)
            return int(declared.declaration_result.consumer_count or 0)
        finally:
            await channel.close()

    # --- the databases, from outside ----------------------------------------------------------

    async def sql(self, service: str, query: str, *args: Any) -> list[asyncpg.Record]:
        if service not in self._connections:
            self._connections[service] = await asyncpg.connect(_pg(await self.database(service)))
        return await self._connections[service].fetch(query, *args)

    async def count_by(self, service: str, query: str) -> Counter:
        """A query of one column (the business key of an effect), counted by key."""
        return Counter(row[0] for row in await self.sql(service, query))

    async def logs(self, what: str) -> str:
        """``what`` went wrong, with the end of every process's log."""
        tails = "\n".join(f"--- {s.log.name}\n{s.tail(2500)}" for s in self.services)
        return f"{self.name}: {what}\n{tails}"

    def report(self, tally: Tally, **extra: object) -> None:
        seconds = time.monotonic() - self.started
        more = "".join(f" {k}={v}" for k, v in extra.items())
        line = (
            f"drill={self.name} expected={tally.expected} lost={len(tally.lost)} "
            f"doubled={tally.doubled_count} seconds={seconds:.1f}{more}"
        )
        SUMMARY.append(line)
        print(line)
        logs = "\n".join(f"--- {s.name} ({s.log.name})\n{s.tail(2500)}" for s in self.services)
        assert not tally.lost and not tally.doubled and not tally.unexpected, (
            f"{self.name}: {tally.describe()}\n{logs}"
        )

    async def close(self) -> None:
        await asyncio.gather(*(s.stop() for s in self.services))
        for proxy in self.proxies:
            await proxy.stop()
        for connection in self._connections.values():
            await connection.close()
        if self.spy is not None:
            await self._stop_spy()
        if self._amqp is not None:
            await self._amqp.close()
        admin = await asyncpg.connect(_pg(self.infrastructure.database("postgres")))
        try:
            for url in self.databases.values():
                name = make_url(url).database
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


# --- events as their producers publish them ---------------------------------------------------

OFFICIAL = Actor(id="official-faults", role="procurement_official")
PPK = Actor(id="ppk-faults", role="ppk")


def package_generated(*, lines: int = 1) -> CloudEvent:
    """``competition.package_generated.v1`` of a new package (ordering creates it, step 13)."""
    price = Decimal("1500000")
    payload = PackageGenerated(
        package_id=uuid.uuid4(),
        purchase_request_id=uuid.uuid4(),
        competition_id=uuid.uuid4(),
        offer_id=uuid.uuid4(),
        title="Laptop untuk puskesmas (fault drill)",
        rup_code="RUP-FAULTS-1",
        fiscal_year=2026,
        work_unit="dinkes",
        ppk={"id": PPK.id, "name": "Budi"},
        official={"id": OFFICIAL.id, "name": "Sari"},
        vendor={"id": uuid.uuid4(), "name": "CV Faults", "email": "sales@faults.example.id"},
        lines=[
            {
                "line_no": n,
                "description": f"Laptop {n}",
                "quantity": 2,
                "unit": "unit",
                "unit_price": price,
                "line_total": price * 2,
            }
            for n in range(1, lines + 1)
        ],
        shipping_cost=Decimal(0),
        subtotal=price * 2 * lines,
        total=price * 2 * lines,
        pagu=price * 3 * max(lines, 1),
        delivery_address="Jl. Raya Mojokerto 1",
        delivery_deadline=date.today() + timedelta(days=30),
    )
    return make_event(
        service="competition",
        payload=payload,
        procurement_id=payload.purchase_request_id,
        time=datetime.now(UTC),
        actor=OFFICIAL,
        sop_step="13",
    )


def package_completed() -> CloudEvent:
    """``delivery.package_completed.v1`` (rating opens a rating; ordering and competition close
    their records): three queues are bound to this type."""
    today = date.today()
    payload = PackageCompleted(
        package_id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        order_number="SP/dinkes/2026/0001",
        vendor={"id": uuid.uuid4(), "name": "CV Faults"},
        ppk={"id": PPK.id, "name": "Budi"},
        work_unit="dinkes",
        order_total=Decimal("3000000"),
        promised_delivery_date=today,
        actual_delivery_date=today,
        on_time=True,
        completed_at=datetime.now(UTC),
    )
    return make_event(
        service="delivery",
        payload=payload,
        procurement_id=uuid.uuid4(),
        time=datetime.now(UTC),
        actor=PPK,
        sop_step="27",
    )


def blacklist_body(vendor_id: uuid.UUID) -> dict[str, str]:
    return {
        "vendor_id": str(vendor_id),
        "vendor_name": "CV Faults",
        "reason": "fault drill",
        "decree_reference": "SK/FAULTS/1",
        "starts_on": date.today().isoformat(),
    }


# --- effects, counted in the consumers' databases --------------------------------------------


async def packages_tally(drill: Drill, events: list[CloudEvent]) -> Tally:
    """Ordering's packages (by id) and their ``receive_package`` history rows, each exactly once."""
    expected = [uuid.UUID(e.data["package_id"]) for e in events]
    rows = await drill.count_by("ordering", "SELECT id FROM packages")
    history = await drill.count_by(
        "ordering", "SELECT aggregate_id FROM history WHERE action = 'receive_package'"
    )
    return Tally.of(expected, rows) + Tally.of(
        [("history", k) for k in expected], Counter({("history", k): n for k, n in history.items()})
    )


async def ratings_tally(drill: Drill, events: list[CloudEvent], service: str = "rating") -> Tally:
    """Rating's pending ratings (by package id) and their history rows, each exactly once."""
    expected = [uuid.UUID(e.data["package_id"]) for e in events]
    rows = await drill.count_by(service, "SELECT package_id FROM ratings")
    history = await drill.count_by(
        service, "SELECT procurement_id FROM history WHERE aggregate = 'rating'"
    )
    procurements = [("history", e.procurementid) for e in events]
    return Tally.of(expected, rows) + Tally.of(
        procurements, Counter({("history", k): n for k, n in history.items()})
    )


async def blacklist_copies(drill: Drill, entry_ids: Iterable[uuid.UUID]) -> Tally:
    """Competition's copy of rating's blacklist entries (by entry id), each exactly once."""
    rows = await drill.count_by("competition", "SELECT entry_id FROM blacklist_entries")
    return Tally.of(entry_ids, rows)


async def wait_for_tally(
    drill: Drill, count: Callable[[], Awaitable[Tally]], timeout: float
) -> Tally:
    """Poll until no expected effect is missing (then count once more); fail naming them."""

    async def complete() -> Tally | None:
        tally = await count()
        return tally if tally.complete else None

    async def missing() -> str:
        tally = await count()
        logs = "\n".join(f"--- {s.name} ({s.log.name})\n{s.tail(2500)}" for s in drill.services)
        return f"{drill.name}: effects missing: {tally.describe()}\n{logs}"

    await wait_until(complete, timeout, missing, every=0.3)
    await asyncio.sleep(0.5)  # a doubled effect would land right behind the last one
    return await count()
