"""Composition root of the delivery service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters.tables import spine
from delivery.settings import DeliverySettings
from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.service import ServiceDefinition, create_service_app


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    return principal.reads_everything


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="delivery",
        title="Delivery service (SOP steps 23, 25–27)",
        description=(
            "Fulfilment: preparation, shipping history, inspection (BAP), "
            "handover (BAST), payments and completion."
        ),
        routers=[],
        publishes=[],
        can_see_procurement=can_see_procurement,
    )


def create_app(settings: DeliverySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DeliverySettings()
    return create_service_app(definition(), settings, spine, clock)
