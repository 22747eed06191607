"""pytest fixtures for every service's integration tests (registered in the root conftest).

- ``infrastructure``: a real broker and database server (see ``infrastructure.py``);
- ``run_id`` / ``topology``: a name prefix of this test session, so parallel runs never collide;
  the prefixed topology is declared at the start and deleted at the end;
- ``service_database``: ``await service_database("competition", migrations_dir)`` creates and
  migrates a fresh database of that service for this session, dropped at the end;
- ``exchange_spy``: records every event published during one test;
- ``tokens``: mints development tokens for the test settings.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import aio_pika
import pytest

from epurchasing_shared.messaging.topology import Topology, declare_topology, delete_topology
from epurchasing_shared.migrations import migrate
from epurchasing_shared.testing.infrastructure import Infrastructure, find_infrastructure
from epurchasing_shared.testing.spy import ExchangeSpy, start_spy
from epurchasing_shared.testing.tokens import Tokens


def pytest_configure(config: pytest.Config) -> None:
    # The services refuse the development JWT secret outside development mode; the service
    # processes the tests start (tests/e2e, tests/system) inherit this environment.
    os.environ.setdefault("DEVELOPMENT_MODE", "true")


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    with ExitStack() as stack:
        try:
            found = find_infrastructure(stack)
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield found


@pytest.fixture(scope="session")
def run_id() -> str:
    return f"t{os.getpid()}x{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="session")
async def topology_factory(
    infrastructure: Infrastructure, run_id: str
) -> AsyncIterator[Callable[[str], Awaitable[Topology]]]:
    """``await topology_factory("ordering")``: a declared topology of its own for one group of
    tests, so events one service's tests publish never reach another's consumers."""
    made: dict[str, Topology] = {}

    async def make(name: str) -> Topology:
        if name not in made:
            made[name] = Topology(prefix=f"{run_id}.{name}.", delivery_limit=3)
            connection = await aio_pika.connect(infrastructure.amqp_url)
            async with connection:
                await declare_topology(await connection.channel(), made[name])
        return made[name]

    yield make
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        for topology in made.values():
            await delete_topology(channel, topology)


@pytest.fixture(scope="session")
async def topology(topology_factory: Callable[[str], Awaitable[Topology]]) -> Topology:
    """The topology of tests that do not ask for one of their own (overridden per service)."""
    return await topology_factory("all")


@pytest.fixture(scope="session")
async def service_database(
    infrastructure: Infrastructure, run_id: str
) -> AsyncIterator[Callable[[str, Path], Awaitable[str]]]:
    created: dict[str, str] = {}
    lock = asyncio.Lock()

    async def make(service: str, migrations_dir: Path) -> str:
        async with lock:
            if service not in created:
                url = infrastructure.database(f"{run_id}_{service}")
                await migrate(migrations_dir, url)
                created[service] = url
            return created[service]

    yield make
    for url in created.values():
        await infrastructure.drop_database(url)


@pytest.fixture
async def exchange_spy(
    infrastructure: Infrastructure, topology: Topology
) -> AsyncIterator[ExchangeSpy]:
    spy, stop = await start_spy(infrastructure.amqp_url, topology.exchange)
    yield spy
    await stop()


@pytest.fixture(scope="session")
def tokens() -> Tokens:
    return Tokens()
