"""Fixtures of the competition tests: the real app on the real broker and database."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from competition.app import create_app
from competition.settings import CompetitionSettings
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.mail import MailCatcher

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@dataclass
class CompetitionService:
    client: httpx.AsyncClient
    clock: FixedClock
    settings: CompetitionSettings


@pytest.fixture(scope="session")
def mail_catcher() -> Iterator[MailCatcher]:
    """The SMTP server the service's e-mails go to (the official's at 4, the reminders)."""
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
async def competition_settings(
    infrastructure, topology, service_database, tmp_path_factory, mail_catcher
) -> CompetitionSettings:
    return CompetitionSettings(
        database_url=await service_database("competition", MIGRATIONS),
        topology_prefix=topology.prefix,
        amqp_url=infrastructure.amqp_url,
        delivery_limit=topology.delivery_limit,
        document_root=str(tmp_path_factory.mktemp("competition-documents")),
        outbox_poll_seconds=0.5,
        # Off here: these tests evaluate over HTTP at a moment they choose. The automatic
        # evaluation has its own tests, which turn it on (auto_service).
        auto_evaluate_seconds=0,
        smtp_port=mail_catcher.port,
        smtp_timeout_seconds=3,
        mail_poll_seconds=0.2,
        public_base_url="https://epurchasing.contoh.go.id",
    )


@pytest.fixture
async def service(competition_settings) -> AsyncIterator[CompetitionService]:
    """A fresh app (own clock) per test; the database is shared by the session's tests."""
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))  # 09:00 in Jakarta
    async with running_app(create_app(competition_settings, clock)) as client:
        yield CompetitionService(client, clock, competition_settings)


@pytest.fixture
async def auto_service(competition_settings) -> AsyncIterator[CompetitionService]:
    """The app with the automatic evaluation at the deadline running every 0.2 s."""
    settings = competition_settings.model_copy(update={"auto_evaluate_seconds": 0.2})
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    async with running_app(create_app(settings, clock)) as client:
        yield CompetitionService(client, clock, settings)


@pytest.fixture(scope="session")
async def topology(topology_factory):
    """This service's tests get exchanges and queues of their own: events other services'
    tests publish never reach its consumers, nor its events theirs."""
    return await topology_factory("competition")
