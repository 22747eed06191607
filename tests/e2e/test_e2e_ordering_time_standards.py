"""Ordering's acceptance tests of issue 10 (time standards), end to end on real processes:

1. with the fast calendar and TWO replicas of ordering, the PPK doing nothing at step 20 gives
   ``ordering.step_overdue.v1``, the automatic cancellation, the purchase request back to
   ``accepted`` and one reminder e-mail, each exactly once;
2. the vendor downloads the signed Surat Pesanan at step 22 and the auditor reads it;
3. ``epurchasing verify-history`` passes on every service's history after the whole-SOP walk
   and fails, naming the entry, when a row is changed or removed directly in the database
   (then the row is put back, the shared system stays intact).
"""

import asyncio
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue, seed_catalogue
from epurchasing_demo.client import SERVICES, Api, Endpoints, http_client
from epurchasing_demo.driver import FINAL, Branches, drive, wait_for_final_states
from epurchasing_demo.model import Run
from epurchasing_demo.steps_competition import (
    competition_steps,
    request_steps,
    wait_until_accepted,
)
from sqlalchemy.engine import make_url

from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.testing.mail import MailCatcher, free_port
from epurchasing_shared.testing.spy import ExchangeSpy, start_spy

pytestmark = pytest.mark.integration

SECONDS_PER_DAY = 4  # the PPK's 3 working days: 12 s
CLI = [str(Path(sys.executable).parent / "epurchasing")]


async def run_procurement(system, branches: Branches):
    """One whole procurement on ``system`` (as test_e2e_whole_sop.py's)."""
    tag = uuid4().hex[:8]
    cast = Cast(settings=system.settings, work_unit=f"dinkes-{tag}")
    spec = demo_catalogue(tag)
    api = Api(system.endpoints, http_client(timeout=30))
    try:
        vendors = await seed_catalogue(api, cast.admin_headers(), spec)
        outcome = await drive(
            api, cast, vendors, spec.category, branches, offer_window=3.0, timeout=30.0
        )
        states = await wait_for_final_states(api, cast, outcome, timeout=20.0)
    except Exception:
        await api.http.close()
        print(system.log_tail())
        raise
    assert states == FINAL, states
    return api, cast, outcome


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- a system of its own: the fast calendar and two ordering replicas --------------------------


@dataclass
class FastSystem:
    endpoints: Endpoints
    settings: ServiceSettings
    spy: ExchangeSpy
    mail: MailCatcher
    databases: dict[str, str]
    logs: list[Path]

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.logs
        )


async def _ready(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
async def fast_system(
    infrastructure, run_id, topology_factory, tmp_path_factory
) -> AsyncIterator[FastSystem]:
    topology = await topology_factory("e2efast")
    root = tmp_path_factory.mktemp("e2efast")
    mail = MailCatcher().start()
    spy, stop_spy = await start_spy(infrastructure.amqp_url, topology.exchange)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "AMQP_URL": infrastructure.amqp_url,
        "TOPOLOGY_PREFIX": topology.prefix,
        "DELIVERY_LIMIT": str(topology.delivery_limit),
        "JWT_SECRET": secrets.token_urlsafe(32),
        **{
            f"{service}_{name}": value
            for service in ("COMPETITION", "ORDERING", "DELIVERY")
            for name, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(mail.port)))
        },
        "ORDERING_MAIL_POLL_SECONDS": "0.5",
        "COMPETITION_AUTO_EVALUATE_SECONDS": "0",
        "CALENDAR_SECONDS_PER_WORKING_DAY": str(SECONDS_PER_DAY),
        "ORDERING_AUTO_CANCEL_PPK_REVIEW": "true",
    }
    databases, ports = {}, {}
    for service in SERVICES:
        prefix, ports[service] = service.upper(), free_port()
        databases[service] = infrastructure.database(f"{run_id}_e2efast_{service}")
        env[f"{prefix}_PORT"] = str(ports[service])
        env[f"{prefix}_DATABASE_URL"] = databases[service]
        env[f"{prefix}_DOCUMENT_ROOT"] = str(root / "documents" / service)
    replicas = [(s, ports[s]) for s in SERVICES] + [("ordering", free_port())]
    processes, logs = [], []
    for number, (service, port) in enumerate(replicas):
        log_path = root / f"{service}-{number}.log"
        logs.append(log_path)
        own = {**env, f"{service.upper()}_PORT": str(port)}
        with log_path.open("wb") as log:
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    service,
                    "migrate-and-serve",
                    env=own,
                    stdout=log,
                    stderr=asyncio.subprocess.STDOUT,
                )
            )
        if number == 0 or service == "ordering":  # the second replica migrates after the first
            async with asyncio.timeout(90):
                while not await _ready(f"http://127.0.0.1:{port}/readyz"):
                    await asyncio.sleep(0.3)
    endpoints = Endpoints(*(f"http://127.0.0.1:{ports[s]}" for s in SERVICES))
    found = FastSystem(
        endpoints, ServiceSettings(jwt_secret=env["JWT_SECRET"]), spy, mail, databases, logs
    )
    try:
        for _, port in replicas:
            async with asyncio.timeout(90):
                while not await _ready(f"http://127.0.0.1:{port}/readyz"):
                    await asyncio.sleep(0.3)
        yield found
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        await asyncio.wait_for(asyncio.gather(*(p.wait() for p in processes)), timeout=30)
        await stop_spy()
        mail.stop()
        admin = await asyncpg.connect(_plain(infrastructure.database("postgres")))
        try:
            for service in SERVICES:
                name = f"{run_id}_e2efast_{service}"
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _to_the_ppk(api: Api, cast: Cast, run: Run) -> dict:
    """Steps 1–19 as quickly as the actors can: the vendor approves the offered prices."""
    await request_steps(run)
    package = await competition_steps(run, with_offers=True)
    assert package is not None
    official = cast.official_headers()
    base = f"/packages/{package['package_id']}"
    await api.poll(
        "ordering", base, headers=official, until=lambda b: b["state"] == "received",
        what="the package", timeout=30,
    )  # fmt: skip
    await api.call("ordering", "POST", f"{base}/process", headers=official)
    vendor = run.vendor(package["vendor"]["id"])
    await api.call("ordering", "POST", f"{base}/approve", headers=run.vendor_headers(vendor))
    sent = await api.call("ordering", "POST", f"{base}/send-to-ppk", headers=official)
    assert sent["turn"]["sop_step"] == "20" and sent["turn"]["actor_role"] == "ppk"
    return sent


async def test_the_ppk_doing_nothing_cancels_the_package_once_with_two_replicas(fast_system):
    system = fast_system
    tag = uuid4().hex[:8]
    cast = Cast(settings=system.settings, work_unit=f"dinkes-{tag}")
    spec = demo_catalogue(tag)
    http = http_client(timeout=30)
    api = Api(system.endpoints, http)
    try:
        vendors = await seed_catalogue(api, cast.admin_headers(), spec)
        run = Run(api, cast, vendors, spec.category, Branches(), 3.0, 30.0)
        sent = await _to_the_ppk(api, cast, run)
        package_id = sent["id"]

        def of_package(event) -> bool:
            return str(event.data.get("package_id") or event.data.get("aggregate_id")) == package_id

        overdue = await system.spy.wait_for(
            "ordering.step_overdue.v1",
            lambda e: of_package(e) and e.data["sop_step"] == "20",
            timeout=3 * SECONDS_PER_DAY + 60,
        )
        assert overdue.data["actor_role"] == "ppk" and overdue.data["late_seconds"] >= 0
        cancelled = await system.spy.wait_for(
            "ordering.package_cancelled.v1", of_package, timeout=30
        )
        assert "SOP step 20" in cancelled.data["reason"] and cancelled.actorrole is None
        request = await wait_until_accepted(run, "the automatic cancellation")
        assert request["state"] == "accepted"
        shown = await api.call(
            "ordering", "GET", f"/packages/{package_id}", headers=cast.auditor_headers()
        )
        assert shown["state"] == "cancelled" and shown["turn"] is None
        await asyncio.sleep(3 * SECONDS_PER_DAY)  # both replicas scan again and again

        events = [e for e in system.spy.events if of_package(e)]
        step_20 = [
            e for e in events if e.type == "ordering.step_overdue.v1" and e.data["sop_step"] == "20"
        ]
        assert len(step_20) == 1
        assert [e.type for e in events].count("ordering.package_cancelled.v1") == 1
        history = await api.call(
            "ordering", "GET", f"/procurements/{run.outcome.procurement_id}/history",
            headers=cast.auditor_headers(),
        )  # fmt: skip
        expired = [h for h in history if h["action"] == "ppk_review_expired"]
        assert len(expired) == 1 and expired[0]["actor_role"] in (None, "system")
        assert "SOP step 20" in expired[0]["reason"]
        connection = await asyncpg.connect(_plain(system.databases["ordering"]))
        try:
            reminders = await connection.fetch(
                "SELECT recipient_role, recipient, status FROM vendor_emails"
                " WHERE package_id = $1 AND kind = 'overdue_reminder' AND sop_step = '20'",
                UUID(package_id),
            )
        finally:
            await connection.close()
        # One reminder to the PPK, at the address its token carried (through competition's
        # package_generated), sent once whatever the number of replicas.
        assert len(reminders) == 1 and reminders[0]["recipient_role"] == "ppk"
        assert reminders[0]["recipient"] == cast.ppk.email

        def reminders_received() -> list:
            return [
                m
                for m in system.mail.to(cast.ppk.email)
                if m["Message-ID"].startswith(f"<package-{package_id}-overdue-")
            ]

        async with asyncio.timeout(30):
            while not reminders_received():
                await asyncio.sleep(0.2)
        [reminder] = reminders_received()
        assert cast.ppk.email in reminder["To"]
        by_id = [m["Message-ID"] for _, m in system.mail.received]
        assert len(by_id) == len(set(by_id))  # no e-mail twice, whatever the replicas
    except Exception:
        print(system.log_tail())
        raise
    finally:
        await http.close()


# --- on the shared e2e system (real calendar) --------------------------------------------------


async def test_the_vendor_downloads_the_signed_order_and_the_auditor_reads_it(system):
    api, cast, outcome = await run_procurement(system, Branches())
    try:
        package_id = outcome.package_ids[-1]
        vendor = outcome.winner
        assert vendor is not None
        listed = await api.call(
            "ordering", "GET", f"/packages/{package_id}/documents",
            headers=_vendor_headers(cast, vendor),
        )  # fmt: skip
        items = listed["items"]
        order = next(d for d in items if d["kind"] == "purchase_order")
        for headers in (_vendor_headers(cast, vendor), cast.auditor_headers()):
            url = f"{system.endpoints.of('ordering')}/packages/{package_id}/documents/{order['id']}"
            response = await api.request("GET", url, headers=headers)
            assert response.status_code == 200, response.text
            assert response.content.startswith(b"%PDF-")
            assert response.headers["etag"].strip('"') == order["sha256"]
            assert "attachment" in response.headers["content-disposition"]
    finally:
        await api.http.close()


def _vendor_headers(cast: Cast, vendor) -> dict[str, str]:
    return cast.vendor_headers(vendor.id, vendor.spec.user, vendor.name)


def _verify(service: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, "verify-history", "--service", service, "--database-url", url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


async def test_verify_history_passes_then_names_a_changed_or_removed_entry(
    system, infrastructure, run_id
):
    api, _, outcome = await run_procurement(system, Branches())
    await api.http.close()
    await asyncio.sleep(2)  # the last consumers' history entries
    for service in SERVICES:
        url = infrastructure.database(f"{run_id}_e2e_{service}")
        found = _verify(service, url)
        assert found.returncode == 0, (service, found.stdout, found.stderr)
        assert "intact" in found.stdout

        connection = await asyncpg.connect(_plain(url))  # the server's superuser
        try:
            row = await connection.fetchrow(
                "SELECT * FROM history WHERE procurement_id = $1 ORDER BY seq LIMIT 1 OFFSET 1",
                UUID(outcome.procurement_id),
            )
            assert row is not None, service
            await connection.execute("ALTER TABLE history DISABLE TRIGGER USER")
            try:
                await connection.execute(
                    "UPDATE history SET reason = 'diubah diam-diam' WHERE seq = $1", row["seq"]
                )
                changed = _verify(service, url)
                await connection.execute(
                    "UPDATE history SET reason = $2 WHERE seq = $1", row["seq"], row["reason"]
                )
                await connection.execute("DELETE FROM history WHERE seq = $1", row["seq"])
                removed = _verify(service, url)
                columns = list(row.keys())
                await connection.execute(
                    f"INSERT INTO history ({', '.join(columns)}) VALUES "
                    f"({', '.join(f'${i + 1}' for i in range(len(columns)))})",
                    *row.values(),
                )
            finally:
                await connection.execute("ALTER TABLE history ENABLE TRIGGER USER")
        finally:
            await connection.close()
        assert changed.returncode == 1, (service, changed.stdout)
        assert f"seq {row['seq']}" in changed.stdout and "changed" in changed.stdout
        assert removed.returncode == 1, (service, removed.stdout)
        assert "BROKEN" in removed.stdout
        assert _verify(service, url).returncode == 0  # put back: intact again
