"""``epurchasing-demo --late`` (``make demo DEMO_ARGS=--late``) against the four services started
as processes with the fast calendar (as test_e2e_ordering_time_standards.py's ``fast_system``,
one replica each): what it prints, and its one-line refusal when the due time is too far."""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from epurchasing_demo.client import SERVICES
from sqlalchemy.engine import make_url

from epurchasing_shared.testing.mail import MailCatcher, free_port

pytestmark = pytest.mark.integration

SECONDS_PER_DAY = 3  # the PPK's 3 working days: 9 s
DEMO = str(Path(sys.executable).parent / "epurchasing-demo")


async def _ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
async def demo_env(
    infrastructure, run_id, topology_factory, tmp_path_factory
) -> AsyncIterator[dict[str, str]]:
    """The services on the fast calendar; the environment that points the demo at them."""
    topology = await topology_factory("e2elate")
    root = tmp_path_factory.mktemp("e2elate")
    mail = MailCatcher().start()
    secret = secrets.token_urlsafe(32)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "AMQP_URL": infrastructure.amqp_url,
        "TOPOLOGY_PREFIX": topology.prefix,
        "DELIVERY_LIMIT": str(topology.delivery_limit),
        "JWT_SECRET": secret,
        "ORDERING_SMTP_HOST": "127.0.0.1",
        "ORDERING_SMTP_PORT": str(mail.port),
        "ORDERING_MAIL_POLL_SECONDS": "0.5",
        "COMPETITION_AUTO_EVALUATE_SECONDS": "0",
        "CALENDAR_SECONDS_PER_WORKING_DAY": str(SECONDS_PER_DAY),
    }
    demo = {**os.environ, "JWT_SECRET": secret}
    for service in SERVICES:
        port = free_port()
        env[f"{service.upper()}_PORT"] = str(port)
        env[f"{service.upper()}_DATABASE_URL"] = infrastructure.database(
            f"{run_id}_e2elate_{service}"
        )
        env[f"{service.upper()}_DOCUMENT_ROOT"] = str(root / "documents" / service)
        demo[f"{service.upper()}_URL"] = f"http://127.0.0.1:{port}"
    logs = {service: root / f"{service}.log" for service in SERVICES}
    processes = []
    for service in SERVICES:
        with logs[service].open("wb") as log:
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    service,
                    "migrate-and-serve",
                    env=env,
                    stdout=log,
                    stderr=asyncio.subprocess.STDOUT,
                )
            )
    try:
        for service in SERVICES:
            async with asyncio.timeout(90):
                while not await _ready(f"{demo[f'{service.upper()}_URL']}/readyz"):
                    await asyncio.sleep(0.3)
        yield demo
    except Exception:
        for path in logs.values():
            print(f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        raise
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes)), timeout=30)
        mail.stop()
        plain = make_url(infrastructure.database("postgres")).set(drivername="postgresql")
        admin = await asyncpg.connect(plain.render_as_string(hide_password=False))
        try:
            for service in SERVICES:
                name = f"{run_id}_e2elate_{service}"
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _demo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(
        subprocess.run,
        [DEMO, "--late", "--offer-window", "2", *args],
        env=env, capture_output=True, text=True, timeout=90,
    )  # fmt: skip


async def test_demo_late_shows_the_overdue_turn_and_the_automatic_cancellation(demo_env):
    done = await _demo(demo_env)
    out = done.stdout
    print(out)  # shown when the test fails (or with -s)
    assert done.returncode == 0, (out, done.stderr)
    step_lines = [line for line in out.splitlines() if line.startswith(("19 ", "20 "))]
    shown = "\n".join(step_lines)
    assert "sent the package to the PPK" in step_lines[0], shown
    assert "the PPK's turn (step 20) is due at" in shown and "the PPK does nothing" in shown
    assert "ordering.step_overdue.v1: step 20 (ppk)" in shown
    assert any("ppk_review_expired" in x and " cancelled " in x for x in step_lines), shown
    assert any("back with the official" in x and " accepted " in x for x in step_lines), shown
    assert any("notification_sent" in x and "overdue_reminder" in x for x in step_lines), shown
    assert "Timeline of the procurement" in out
    timeline = out[out.index("Timeline of the procurement") :]
    assert "ppk_review_expired" in timeline and "awaiting_ppk -> cancelled" in timeline
    assert "Steps of the procurement" in out


async def test_demo_late_refuses_to_wait_for_a_distant_due_time(demo_env):
    done = await _demo(demo_env, "--max-wait", "1")
    assert done.returncode == 3, (done.stdout, done.stderr)
    [line] = done.stderr.strip().splitlines()
    assert "CALENDAR_SECONDS_PER_WORKING_DAY=5 make run" in line
