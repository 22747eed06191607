"""Composition root of the competition service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters.tables import spine
from competition.settings import CompetitionSettings
from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.service import ServiceDefinition, create_service_app


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    return principal.reads_everything


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="competition",
        title="Competition service (SOP steps 1–13)",
        description=(
            "Purchase requests, the catalogue and mini-competitions: "
            "from the PPK's need to the generated package."
        ),
        routers=[],
        publishes=[],
        can_see_procurement=can_see_procurement,
    )


def create_app(settings: CompetitionSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or CompetitionSettings()
    return create_service_app(definition(), settings, spine, clock)
