"""The four services as real processes (their production entry points) on the real broker and
database, fresh databases per run, a real SMTP server catching the services' e-mails, and an
exchange spy; shared by the e2e tests and stopped with SIGINT when the last of them is done.

The fixture is package-scoped (this directory is a package for that): a session-scoped one
outlived the e2e tests, and its four pools (up to 15 connections each, grown under the wire
fuzz) stayed open through the fault drills, whose two rating replicas then found PostgreSQL's
100 connections taken (``too many clients already``, a red CI run)."""

import asyncio
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from epurchasing_demo.client import SERVICES, Endpoints
from sqlalchemy.engine import make_url

from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.testing.mail import MailCatcher, free_port
from epurchasing_shared.testing.spy import ExchangeSpy, start_spy


@dataclass
class System:
    endpoints: Endpoints
    settings: ServiceSettings  # the JWT settings the processes were given
    spy: ExchangeSpy
    mail: MailCatcher
    logs: dict[str, Path]

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {name}\n{path.read_text(errors='replace')[-3000:]}"
            for name, path in self.logs.items()
        )


async def _ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


def _environment(infrastructure, run_id, topology, mail, root: Path) -> tuple[dict, dict]:
    secret = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "AMQP_URL": infrastructure.amqp_url,
        "TOPOLOGY_PREFIX": topology.prefix,
        "DELIVERY_LIMIT": str(topology.delivery_limit),
        "JWT_SECRET": secret,
        **{
            f"{service}_{name}": value
            for service in ("COMPETITION", "ORDERING", "DELIVERY")
            for name, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(mail.port)))
        },
        "ORDERING_MAIL_POLL_SECONDS": "0.5",
        # The official evaluates (step 11) as the SOP says; the automatic evaluation at the
        # deadline is tested in the competition service's own tests.
        "COMPETITION_AUTO_EVALUATE_SECONDS": "0",
        # The fuzzing test sends thousands of requests from this one address: with the
        # production limit most would be 429s (documented, but they would test nothing else).
        "RATE_LIMIT_PER_ADDRESS": "1000000/minute",
        "RATE_LIMIT_PER_PRINCIPAL": "1000000/minute",
    }
    ports = {}
    for service in SERVICES:
        prefix, ports[service] = service.upper(), free_port()
        env[f"{prefix}_PORT"] = str(ports[service])
        env[f"{prefix}_DATABASE_URL"] = infrastructure.database(f"{run_id}_e2e_{service}")
        env[f"{prefix}_DOCUMENT_ROOT"] = str(root / "documents" / service)
    return env, ports


@pytest.fixture(scope="package")
async def system(
    infrastructure, run_id, topology_factory, tmp_path_factory
) -> AsyncIterator[System]:
    topology = await topology_factory("e2e")
    root = tmp_path_factory.mktemp("e2e")
    mail = MailCatcher().start()
    spy, stop_spy = await start_spy(infrastructure.amqp_url, topology.exchange)
    env, ports = _environment(infrastructure, run_id, topology, mail, root)
    logs = {service: root / f"{service}.log" for service in SERVICES}
    processes = {}
    for service in SERVICES:
        with logs[service].open("wb") as log:
            processes[service] = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                service,
                "migrate-and-serve",
                env=env,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
    endpoints = Endpoints(*(f"http://127.0.0.1:{ports[s]}" for s in SERVICES))
    found = System(endpoints, ServiceSettings(jwt_secret=env["JWT_SECRET"]), spy, mail, logs)
    try:
        for service in SERVICES:
            async with asyncio.timeout(90):
                while not await _ready(f"{endpoints.of(service)}/readyz"):
                    assert processes[service].returncode is None, found.log_tail()
                    await asyncio.sleep(0.3)
        yield found
    finally:
        for process in processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
        codes = await asyncio.wait_for(
            asyncio.gather(*(p.wait() for p in processes.values())), timeout=30
        )
        await stop_spy()
        mail.stop()
        await _drop_databases(infrastructure, run_id)
    assert codes == [0] * len(SERVICES), found.log_tail()


async def _drop_databases(infrastructure, run_id: str) -> None:
    admin = make_url(infrastructure.database("postgres")).set(drivername="postgresql")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        for service in SERVICES:
            name = f"{run_id}_e2e_{service}"
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
