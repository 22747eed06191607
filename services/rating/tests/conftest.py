"""The rating service running in-process against the real broker and database."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from rating.app import create_app
from rating.settings import RatingSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
# 09:00 in Jakarta (UTC+7) on Monday 2 March 2026.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@dataclass
class RatingService:
    client: httpx.AsyncClient
    clock: FixedClock
    settings: RatingSettings


@pytest.fixture(scope="session")
async def rating_service(
    service_database, topology, infrastructure, tmp_path_factory
) -> AsyncIterator[RatingService]:
    settings = RatingSettings(
        database_url=await service_database("rating", MIGRATIONS),
        topology_prefix=topology.prefix,
        amqp_url=infrastructure.amqp_url,
        delivery_limit=topology.delivery_limit,
        document_root=str(tmp_path_factory.mktemp("rating-documents")),
        outbox_poll_seconds=0.5,
        review_threshold="2.00",
        review_minimum_ratings=3,
    )
    clock = FixedClock(START)
    async with running_app(create_app(settings, clock)) as client:
        yield RatingService(client, clock, settings)


@pytest.fixture
def rating(rating_service: RatingService) -> RatingService:
    """The running service with its clock back at the start of the scenario."""
    rating_service.clock.set(START)
    return rating_service


@pytest.fixture(scope="session")
async def topology(topology_factory):
    """This service's tests get exchanges and queues of their own: events other services'
    tests publish never reach its consumers, nor its events theirs."""
    return await topology_factory("rating")
