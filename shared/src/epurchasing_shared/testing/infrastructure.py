"""Finding a real RabbitMQ and PostgreSQL for the integration tests: never a silent skip.

In order: ``TEST_AMQP_URL`` / ``TEST_DATABASE_URL``; else the servers on localhost; else
testcontainers where a Docker engine answers; else the run fails saying what is missing.
"""

import os
import socket
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url

LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
LOCAL_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Infrastructure:
    amqp_url: str
    database_url: str  # a server-level URL; each service gets its own database on it
    how: str

    def database(self, name: str) -> str:
        return make_url(self.database_url).set(database=name).render_as_string(hide_password=False)

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


def find_infrastructure(stack: ExitStack) -> Infrastructure:
    amqp = os.environ.get("TEST_AMQP_URL")
    database = os.environ.get("TEST_DATABASE_URL")
    if amqp and database:
        return Infrastructure(amqp, database, "from TEST_AMQP_URL and TEST_DATABASE_URL")
    amqp = amqp or LOCAL_AMQP_URL
    database = database or LOCAL_DATABASE_URL
    if _reachable(amqp, 5672) and _reachable(database, 5432):
        return Infrastructure(amqp, database, "on localhost")
    if _docker_engine_answers():
        from testcontainers.postgres import PostgresContainer
        from testcontainers.rabbitmq import RabbitMqContainer

        rabbit = stack.enter_context(RabbitMqContainer("rabbitmq:4.1-management"))
        postgres = stack.enter_context(PostgresContainer("postgres:16", driver="asyncpg"))
        amqp = (
            f"amqp://guest:guest@{rabbit.get_container_host_ip()}:{rabbit.get_exposed_port(5672)}/"
        )
        return Infrastructure(amqp, postgres.get_connection_url(), "started with testcontainers")
    missing = [
        name
        for name, url, port in (("RabbitMQ", amqp, 5672), ("PostgreSQL", database, 5432))
        if not _reachable(url, port)
    ]
    raise RuntimeError(
        f"integration tests need {' and '.join(missing)}: none reachable at {amqp} / {database}, "
        "TEST_AMQP_URL / TEST_DATABASE_URL not set, and no Docker engine for testcontainers. "
        "Start them (see README, 'Running the tests') and run again."
    )
