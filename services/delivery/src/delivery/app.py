"""Composition root of the delivery service: FastAPI app, consumers, outbox relay, mail
sender."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI

from delivery.adapters.repository import can_see_procurement
from delivery.adapters.tables import mail_outbox, spine
from delivery.adapters.unit_of_work import SqlDeliveryUnitOfWork
from delivery.api.fulfilments import router as fulfilments_router
from delivery.application import notifications
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
from epurchasing_shared.mail.wiring import mail_probe, mail_sender_tasks
from epurchasing_shared.messaging.consumer import ConsumerSpec
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app

SERVICE = "delivery"


def _consumers(runtime: Runtime) -> list[ConsumerSpec]:
    assert isinstance(runtime.settings, DeliverySettings)
    grace = runtime.settings.order_event_grace_seconds
    return [order_events_consumer(SqlDeliveryUnitOfWork.factory(runtime, SERVICE), grace)]


def _background(runtime: Runtime) -> list[Callable[[], Coroutine[Any, Any, None]]]:
    """The mail sender (the PPK's e-mail at 25, the reminders)."""
    return mail_sender_tasks(
        runtime,
        SqlDeliveryUnitOfWork.factory(runtime, SERVICE),
        outbox=notifications.mail_outbox,
        record=notifications.record_outcome,
        name=SERVICE,
    )


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
        background=_background,
        metrics=lambda runtime: [mail_probe(runtime, mail_outbox)],
        # A reminder to the holder of an overdue turn (application/notifications.py), in the
        # scanner's transaction on the service's own unit of work.
        on_overdue=notifications.on_overdue,
        unit_of_work=lambda runtime: SqlDeliveryUnitOfWork.factory(runtime, SERVICE),
    )


def create_app(settings: DeliverySettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or DeliverySettings()
    app = create_service_app(definition(), settings, spine, clock)
    app.state.unit_of_work = SqlDeliveryUnitOfWork.factory(app.state.runtime, SERVICE)
    return app
