"""The README's run command: the local runner starts the services' production entry points.

Each service migrates its own (fresh, per test run) database and answers ``/readyz`` with 200;
Ctrl-C (SIGINT) stops them all cleanly.
"""

import asyncio
import os
import signal
import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from epurchasing_shared.testing.mail import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("competition", "ordering", "delivery", "rating")


def send_mail(port: int) -> None:
    message = EmailMessage()
    message["From"], message["To"] = "no-reply@epurchasing.example", "vendor@example.id"
    message["Subject"] = "Paket e-purchasing"
    message.set_content("Yth. Penyedia, ...")
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        client.send_message(message)


async def ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


async def test_the_local_runner_serves_every_service_ready_then_stops_on_ctrl_c(
    infrastructure, run_id, topology, tmp_path
):
    mail_port = free_port()
    env = {
        **os.environ,
        "ORDERING_SMTP_PORT": str(mail_port),
        "AMQP_URL": infrastructure.amqp_url,
        "TOPOLOGY_PREFIX": topology.prefix,
        "DELIVERY_LIMIT": str(topology.delivery_limit),
    }
    ports = {}
    for service in SERVICES:
        prefix = service.upper()
        ports[service] = free_port()
        env[f"{prefix}_PORT"] = str(ports[service])
        env[f"{prefix}_DATABASE_URL"] = infrastructure.database(f"{run_id}_runner_{service}")
        env[f"{prefix}_DOCUMENT_ROOT"] = str(tmp_path / service)
    log_path = tmp_path / "runner.log"
    with log_path.open("wb") as log_file:
        runner = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "scripts" / "run_local.py"),
            *SERVICES,
            env=env,
            cwd=tmp_path,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        for port in ports.values():
            async with asyncio.timeout(90):
                while not await ready(f"http://127.0.0.1:{port}/readyz"):
                    assert runner.returncode is None, log_path.read_text()
                    await asyncio.sleep(0.5)
        # Nothing listened on the SMTP port, so the runner started the mail catcher there.
        await asyncio.to_thread(send_mail, mail_port)
        async with asyncio.timeout(10):
            while "Subject: Paket e-purchasing" not in log_path.read_text():
                await asyncio.sleep(0.2)
    finally:
        runner.send_signal(signal.SIGINT)
        await asyncio.wait_for(runner.wait(), timeout=30)
        await _drop_databases(infrastructure, run_id)
    log = log_path.read_text()
    assert runner.returncode == 0, log
    assert "Traceback" not in log, log
    for service in SERVICES:
        assert f"{service:<11} | {service}: database migrated" in log
    assert "mail        | mail to vendor@example.id" in log


async def _drop_databases(infrastructure, run_id: str) -> None:
    admin = make_url(infrastructure.database("postgres")).set(drivername="postgresql")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        for service in SERVICES:
            name = f"{run_id}_runner_{service}"
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
