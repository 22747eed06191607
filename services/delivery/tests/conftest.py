"""Fixtures of the delivery service's tests: the real app on the real broker and database."""

import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from delivery.app import create_app
from delivery.settings import DeliverySettings
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.mail import MailCatcher

# The unit tests' builders and the integration tests' helpers are plain modules beside them
# (the importlib import mode does not put test folders on sys.path).
HERE = Path(__file__).parent
sys.path[:0] = [str(HERE / "unit"), str(HERE / "integration")]

MIGRATIONS = HERE.parent / "migrations"


@dataclass
class DeliveryApp:
    client: httpx.AsyncClient
    clock: FixedClock
    settings: DeliverySettings


@pytest.fixture(scope="session")
def mail_catcher() -> Iterator[MailCatcher]:
    """The SMTP server the service's e-mails go to (the PPK's at 25, the reminders)."""
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
async def delivery_settings(
    service_database, topology, infrastructure, tmp_path_factory, mail_catcher
):
    return DeliverySettings(
        database_url=await service_database("delivery", MIGRATIONS),
        topology_prefix=topology.prefix,
        amqp_url=infrastructure.amqp_url,
        delivery_limit=topology.delivery_limit,
        document_root=str(tmp_path_factory.mktemp("delivery-documents")),
        outbox_poll_seconds=0.5,
        smtp_port=mail_catcher.port,
        smtp_timeout_seconds=3,
        mail_poll_seconds=0.2,
        public_base_url="https://epurchasing.contoh.go.id",
    )


@pytest.fixture
async def delivery(delivery_settings) -> AsyncIterator[DeliveryApp]:
    clock = FixedClock()
    async with running_app(create_app(delivery_settings, clock)) as client:
        yield DeliveryApp(client, clock, delivery_settings)


@pytest.fixture(scope="session")
async def topology(topology_factory):
    """This service's tests get exchanges and queues of their own: events other services'
    tests publish never reach its consumers, nor its events theirs."""
    return await topology_factory("delivery")
