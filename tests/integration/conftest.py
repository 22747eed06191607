"""The four services in one process, on one broker topology and one clock.

Each app has a database of its own (``x_<service>``, apart from the per-service suites'); all
share the ``cross`` topology, so what one service publishes reaches the others' consumers, and
one FixedClock, so offer deadlines, blacklist dates and delivery dates move together. The
apps send their e-mails (competition's, ordering's, delivery's) to a local SMTP server
(aiosmtpd) on a free port.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from competition.app import create_app as competition_app
from competition.settings import CompetitionSettings
from delivery.app import create_app as delivery_app
from delivery.settings import DeliverySettings
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.mail import MailCatcher
from epurchasing_shared.testing.tokens import Tokens
from ordering.app import create_app as ordering_app
from ordering.settings import OrderingSettings
from rating.app import create_app as rating_app
from rating.settings import RatingSettings

SERVICES = Path(__file__).resolve().parents[2] / "services"
# 09:00 in Jakarta on Monday 2 March 2026.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@dataclass
@dataclass
class System:
    """The four running services, their shared clock, the mail catcher and the token maker."""

    competition: httpx.AsyncClient
    ordering: httpx.AsyncClient
    delivery: httpx.AsyncClient
    rating: httpx.AsyncClient
    clock: FixedClock
    mail: MailCatcher
    tokens: Tokens


@pytest.fixture(scope="session")
async def topology(topology_factory):
    """One topology for all four services (and the exchange spy) of these tests."""
    return await topology_factory("cross")


@pytest.fixture(scope="session")
async def cross_settings(infrastructure, topology, service_database, tmp_path_factory):
    """Settings of each service: its own database, the shared topology, fast outbox polls."""

    async def common(name: str) -> dict[str, Any]:
        return {
            "database_url": await service_database(f"x_{name}", SERVICES / name / "migrations"),
            "topology_prefix": topology.prefix,
            "amqp_url": infrastructure.amqp_url,
            "delivery_limit": topology.delivery_limit,
            "document_root": str(tmp_path_factory.mktemp(f"x-{name}-documents")),
            "outbox_poll_seconds": 0.2,
        }

    return {
        # The official evaluates; the automatic evaluation would race the tests' own calls.
        "competition": CompetitionSettings(
            **await common("competition"),
            auto_evaluate_seconds=0,
            smtp_timeout_seconds=3,
            mail_poll_seconds=0.1,
        ),
        "ordering": OrderingSettings(
            **await common("ordering"),
            smtp_timeout_seconds=3,
            mail_poll_seconds=0.1,
            public_base_url="https://epurchasing.contoh.go.id",
        ),
        "delivery": DeliverySettings(
            **await common("delivery"), smtp_timeout_seconds=3, mail_poll_seconds=0.1
        ),
        "rating": RatingSettings(**await common("rating")),
    }


@pytest.fixture
async def system(cross_settings, tokens) -> AsyncIterator[System]:
    """The four apps running (consumers and relays included) with a fresh shared clock."""
    clock, mail = FixedClock(START), MailCatcher()
    smtp = {"smtp_port": mail.port}
    competition_settings = cross_settings["competition"].model_copy(update=smtp)
    ordering_settings = cross_settings["ordering"].model_copy(update=smtp)
    delivery_settings = cross_settings["delivery"].model_copy(update=smtp)
    mail.start()
    try:
        async with AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(running_app(app))
                for app in (
                    competition_app(competition_settings, clock),
                    ordering_app(ordering_settings, clock),
                    delivery_app(delivery_settings, clock),
                    rating_app(cross_settings["rating"], clock),
                )
            ]
            yield System(*clients, clock=clock, mail=mail, tokens=tokens)
    finally:
        mail.stop()
