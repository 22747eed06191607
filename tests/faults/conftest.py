"""The fault suite's fixtures: ``templates`` (one migrated database per service, copied by
each drill) and ``drill`` (see ``drills.py``: processes, proxies, databases, effect counters)."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.migrations import migrate
from epurchasing_shared.testing.infrastructure import Infrastructure

from .drills import ROOT, SERVICES, SUMMARY, Drill, _pg


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SUMMARY:
        terminalreporter.section("fault drills")
        for line in SUMMARY:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
async def templates(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[dict[str, str]]:
    """One migrated database per service, copied by each drill (much faster than migrating)."""
    names: dict[str, str] = {}
    for service in SERVICES:
        names[service] = f"{run_id}_faults_template_{service}"
        await migrate(
            ROOT / "services" / service / "migrations",
            infrastructure.database(names[service]),
        )
    yield names
    admin = await asyncpg.connect(_pg(infrastructure.database("postgres")))
    try:
        for name in names.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def drill(
    request: pytest.FixtureRequest,
    infrastructure: Infrastructure,
    topology_factory: Callable[[str], Awaitable[Topology]],
    templates: dict[str, str],
    tmp_path: Path,
) -> AsyncIterator[Drill]:
    name = request.node.name.removeprefix("test_")
    topology = await topology_factory(f"f{uuid.uuid4().hex[:6]}")
    found = Drill(name, infrastructure, topology, tmp_path, templates.__getitem__)
    try:
        yield found
    finally:
        await found.close()
