"""Composition root of the delivery service: FastAPI app, consumers, outbox relay."""

from fastapi import FastAPI

from delivery.adapters.repository import can_see_procurement
from delivery.adapters.tables import spine
from delivery.adapters.unit_of_work import SqlDeliveryUnitOfWork
from delivery.api.fulfilments import router as fulfilments_router
from delivery.consumers.order_events import order_events_consumer
from delivery.settings import DeliverySettings
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.delivery import (
    DeliveryStepOverdue,
    GoodsHandedOver,
    GoodsInspected,
    PackageCompleted,
    PaymentRecorded,
    PreparationStarted,
    ShipmentRecorded,
)
from epurchasing_shared.messaging.consumer import ConsumerSpec
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app

SERVICE = "delivery"


def _consumers(runtime: Runtime) -> list[ConsumerSpec]:
    assert isinstance(runtime.settings, DeliverySettings)
    grace = runtime.settings.order_event_grace_seconds
    return [order_events_consumer(SqlDeliveryUnitOfWork.factory(runtime, SERVICE), grace)]


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name=SERVICE,
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
            DeliveryStepOverdue,
        ],
        can_see_procurement=can_see_procurement,
        consumers=_consumers,
    )


def create_app(settings: DeliverySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DeliverySettings()
    app = create_service_app(definition(), settings, spine, clock)
    app.state.unit_of_work = SqlDeliveryUnitOfWork.factory(app.state.runtime, SERVICE)
    return app
