"""Composition root of the delivery service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.adapters import repository
from delivery.adapters.tables import spine
from delivery.api.dependencies import install_domain_error_handler
from delivery.api.fulfilments import router as fulfilments_router
from delivery.consumers.order_events import order_events_consumer
from delivery.settings import DeliverySettings
from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.delivery import (
    GoodsHandedOver,
    GoodsInspected,
    PackageCompleted,
    PaymentRecorded,
    PreparationStarted,
    ShipmentRecorded,
)
from epurchasing_shared.service import ServiceDefinition, create_service_app


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    """The history of a procurement is visible to whoever may see its fulfilment."""
    return await repository.find_visible(session, principal, procurement_id) is not None


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="delivery",
        title="Delivery service (SOP steps 23, 25–27)",
        description=(
            "Fulfilment: preparation, shipping history, inspection (BAP), "
            "handover (BAST), payments and completion."
        ),
        routers=[fulfilments_router],
        publishes=[
            PreparationStarted,
            ShipmentRecorded,
            GoodsInspected,
            GoodsHandedOver,
            PaymentRecorded,
            PackageCompleted,
        ],
        can_see_procurement=can_see_procurement,
        consumers=lambda runtime: [order_events_consumer(runtime)],
    )


def create_app(settings: DeliverySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DeliverySettings()
    app = create_service_app(definition(), settings, spine, clock)
    install_domain_error_handler(app)
    return app
