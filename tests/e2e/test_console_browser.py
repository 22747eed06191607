"""The console in a real browser: one procurement through the 27 SOP steps by the PPK, the
procurement official and the vendors switching users on the development sign-in page, with the
failed-competition and PPK-rejection branches, a refused negotiation price shown next to its
field, and axe-core on every main screen (console/tests/console.e2e.mjs, run by Node with
playwright-core and Debian's headless Chromium).

The four services run as processes (the e2e `system` fixture); the console is built from its
sources when stale (`npm install --no-package-lock`, `npm run build`: types generated from
docs/api/*.openapi.json, tsc, vite) and served with the APIs on one origin by
scripts/console_server.py in development mode, as under `make run`.
Set CONSOLE_SCREENSHOTS=docs/screenshots to refresh the README's screenshots.
"""

import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path

import httpx
import pytest
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue, seed_catalogue
from epurchasing_demo.client import SERVICES, Api, http_client

from epurchasing_shared.testing.mail import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _build_console() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import console_server
    finally:
        sys.path.pop(0)
    console_server.build_console()


@pytest.fixture(scope="module")
def built_console() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("the console's browser test needs Node.js and npm on PATH", pytrace=False)
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"the console's browser test needs Chromium at {CHROMIUM} "
            "(apt-get install -y chromium; .ci/run installs it)",
            pytrace=False,
        )
    _build_console()
    return CONSOLE / "dist"


async def _wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout}s")


@pytest.mark.timeout(480)
async def test_one_procurement_through_the_27_steps_in_the_console(system, built_console, tmp_path):
    cast = Cast(settings=system.settings)
    tag = os.urandom(3).hex()
    spec = demo_catalogue(f"console-{tag}")
    async with http_client(timeout=30) as http:
        vendors = await seed_catalogue(Api(system.endpoints, http), cast.admin_headers(), spec)
    ranked = sorted(vendors, key=lambda v: v.spec.offer_price * 10 + v.spec.shipping_cost)
    port = free_port()
    env = {
        **os.environ,
        "DEVELOPMENT_MODE": "true",
        "JWT_SECRET": system.settings.jwt_secret,
        "CONSOLE_PORT": str(port),
        **{f"{s.upper()}_URL": system.endpoints.of(s) for s in SERVICES},
    }
    log = (tmp_path / "console-server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "scripts" / "console_server.py"),
        env=env,
        stdout=log,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await _wait_for(f"http://127.0.0.1:{port}/config.json")
        shots = os.environ.get("CONSOLE_SCREENSHOTS")
        browser_env = {
            **os.environ,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "CHROMIUM": CHROMIUM,
            "CATEGORY": spec.category,
            "PEOPLE": json.dumps(
                {"ppk": cast.ppk.sub, "official": cast.official.sub, "auditor": cast.auditor.sub}
            ),
            "VENDORS": json.dumps(
                [{"id": v.id, "name": v.name, "offer": v.spec.offer_price} for v in ranked]
            ),
            "SCREENSHOTS": str(ROOT / shots) if shots else str(tmp_path / "screenshots"),
        }
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            "node",
            str(CONSOLE / "tests" / "console.e2e.mjs"),
            cwd=CONSOLE,
            env=browser_env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=420)
        text = out.decode(errors="replace")
        print(text)
        print(f"browser run: {time.monotonic() - started:.1f}s")
        assert process.returncode == 0, text[-6000:]
        assert "console browser test passed" in text
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), timeout=15)
        log.close()
