"""Composition root of the ordering service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.service import ServiceDefinition, create_service_app
from ordering.adapters.tables import spine
from ordering.settings import OrderingSettings


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    return principal.reads_everything


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="ordering",
        title="Ordering service (SOP steps 14–22, 24a)",
        description=(
            "The e-purchasing package: "
            "vendor e-mail, negotiation, PPK review, purchase order and addenda."
        ),
        routers=[],
        publishes=[],
        can_see_procurement=can_see_procurement,
    )


def create_app(settings: OrderingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or OrderingSettings()
    return create_service_app(definition(), settings, spine, clock)
