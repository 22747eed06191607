"""Finding a real RabbitMQ and PostgreSQL for the integration tests: never a silent skip.

In order: ``TEST_AMQP_URL`` / ``TEST_DATABASE_URL``; else the servers on localhost; else
testcontainers where a Docker engine answers; else the run fails saying what is missing.
"""

import os
import socket
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from sqlalchemy.engine import make_url

from epurchasing_shared.startup import redacted

LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Infrastructure:
    amqp_url: str
    database_url: str  # a server-level URL; each service gets its own database on it
    how: str

    def database(self, name: str) -> str:
        return make_url(self.database_url).set(database=name).render_as_string(hide_password=False)

    async def drop_database(self, url: str) -> None:
        """Drops the database ``url`` names (a scratch one a test made), its sessions ended."""
        admin = make_url(self.database("postgres")).set(drivername="postgresql")
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(
                f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
            )
        finally:
            await connection.close()

    @property
    def amqp_address(self) -> tuple[str, int]:
        """The broker's host and port (for a TCP proxy in front of it)."""
        parts = urlsplit(self.amqp_url)
        return parts.hostname or "127.0.0.1", parts.port or 5672

    def amqp_via(self, host: str, port: int) -> str:
        """The broker URL with the same credentials and vhost, through ``host:port``."""
        parts = urlsplit(self.amqp_url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _reachable(url: str, default_port: int) -> bool:
    parsed = make_url(url.replace("amqp://", "postgresql://", 1))
    try:
        with socket.create_connection(
            (parsed.host or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def _docker_engine_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # no client, no socket, no daemon: all mean "no engine"
        return False


def choose(
    environ: Mapping[str, str],
    reachable: Callable[[str, int], bool] | None = None,
    docker_answers: Callable[[], bool] | None = None,
) -> tuple[str, str, str]:
    """Which broker and database the tests use, without starting anything: ``("env" | "local"
    | "docker", amqp_url, database_url)``; RuntimeError saying what is missing otherwise."""
    reachable = reachable or _reachable
    docker_answers = docker_answers or _docker_engine_answers
    amqp = environ.get("TEST_AMQP_URL")
    database = environ.get("TEST_DATABASE_URL")
    if amqp and database:
        return "env", amqp, database
    amqp = amqp or LOCAL_AMQP_URL
    database = database or LOCAL_DATABASE_URL
    if reachable(amqp, 5672) and reachable(database, 5432):
        return "local", amqp, database
    if docker_answers():
        return "docker", amqp, database
    missing = [
        name
        for name, url, port in (("RabbitMQ", amqp, 5672), ("PostgreSQL", database, 5432))
        if not reachable(url, port)
    ]
    raise RuntimeError(
        f"integration tests need {' and '.join(missing)}: none reachable at "
        f"{redacted(amqp)} / {redacted(database)}, TEST_AMQP_URL / TEST_DATABASE_URL not set, "
        "and no Docker engine for testcontainers. Start them (`make run` says how) and run again."
    )


def start_containers(stack: ExitStack) -> tuple[str, str]:
    """RabbitMQ and PostgreSQL in containers for this run (removed with ``stack``), through
    testcontainers' modules that do not warn: the community PostgreSQL module (the top-level
    ``testcontainers.postgres`` is deprecated) and a generic container for RabbitMQ waiting for
    its start-up line (the RabbitMQ module needs ``pika`` and a deprecated wait decorator)."""
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    rabbit = stack.enter_context(
        DockerContainer("rabbitmq:4.1-management")
        .with_exposed_ports(5672)
        .waiting_for(LogMessageWaitStrategy("Server startup complete"))
    )
    postgres = stack.enter_context(PostgresContainer("postgres:16", driver="asyncpg"))
    amqp = f"amqp://guest:guest@{rabbit.get_container_host_ip()}:{rabbit.get_exposed_port(5672)}/"
    return amqp, postgres.get_connection_url()


def find_infrastructure(stack: ExitStack) -> Infrastructure:
    how, amqp, database = choose(os.environ)
    if how == "env":
        return Infrastructure(amqp, database, "from TEST_AMQP_URL and TEST_DATABASE_URL")
    if how == "local":
        return Infrastructure(amqp, database, "on localhost")
    amqp, database = start_containers(stack)
    return Infrastructure(amqp, database, "started with testcontainers")
