"""Composition root of the rating service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.service import ServiceDefinition, create_service_app
from rating.adapters.tables import spine
from rating.settings import RatingSettings


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    return principal.reads_everything


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="rating",
        title="Rating service (SOP step 27, blacklist)",
        description=("Vendor performance ratings, public scorecards and the blacklist.: "),
        routers=[],
        publishes=[],
        can_see_procurement=can_see_procurement,
    )


def create_app(settings: RatingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RatingSettings()
    return create_service_app(definition(), settings, spine, clock)
