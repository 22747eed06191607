"""Composition root of the ordering service: FastAPI app, consumers, outbox relay, mail sender."""

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI

from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts import ordering as contracts
from epurchasing_shared.mail.wiring import mail_probe, mail_sender_tasks
from epurchasing_shared.messaging.consumer import ConsumerSpec
from epurchasing_shared.metrics import DatabaseProbe
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app
from ordering.adapters.tables import spine, vendor_emails
from ordering.adapters.unit_of_work import SERVICE, SqlOrderingUnitOfWork
from ordering.adapters.visibility import can_see_procurement, visible_aggregates
from ordering.api import documents, negotiation, purchase_orders
from ordering.api import packages as packages_api
from ordering.application.notify_vendor import record_outcome
from ordering.application.overdue import on_overdue
from ordering.consumers.delivery_events import delivery_events_consumer
from ordering.consumers.package_generated import package_generated_consumer
from ordering.settings import OrderingSettings

PUBLISHES = (
    contracts.PackageReceived,
    contracts.PackageProcessing,
    contracts.VendorNotified,
    contracts.NegotiationProposed,
    contracts.NegotiationRejected,
    contracts.NegotiationAgreed,
    contracts.VendorApproved,
    contracts.PackageSentToPpk,
    contracts.PackageApproved,
    contracts.PackageCancelled,
    contracts.OrderIssued,
    contracts.OrderAcknowledged,
    contracts.OrderAmended,
    contracts.OrderingStepOverdue,
)


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    """The mail sender (the vendor's e-mail of 15, the hand-offs, the reminders)."""
    return mail_sender_tasks(
        runtime,
        SqlOrderingUnitOfWork.factory(runtime, SERVICE),
        outbox=lambda uow: uow.vendor_emails,
        record=record_outcome,
        name=SERVICE,
    )


def metrics(runtime: Runtime) -> Sequence[DatabaseProbe]:
    return [mail_probe(runtime, vendor_emails)]


def consumers(runtime: Runtime) -> Sequence[ConsumerSpec]:
    unit_of_work = SqlOrderingUnitOfWork.factory(runtime, SERVICE)
    return [package_generated_consumer(unit_of_work), delivery_events_consumer(unit_of_work)]


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name=SERVICE,
        title="Ordering service (SOP steps 14–22, 24a)",
        description=(
            "The e-purchasing package: "
            "vendor e-mail, negotiation, PPK review, purchase order and addenda."
        ),
        routers=[
            packages_api.router,
            negotiation.router,
            purchase_orders.router,
            documents.router,
            documents.letters,
        ],
        publishes=PUBLISHES,
        can_see_procurement=can_see_procurement,
        visible_aggregates=visible_aggregates,
        consumers=consumers,
        background=background,
        metrics=metrics,
        on_overdue=on_overdue,
        unit_of_work=lambda runtime: SqlOrderingUnitOfWork.factory(runtime, SERVICE),
        # The order-number counter's own connection (docs/order-numbers.md).
        autonomous_connections=1,
    )


def create_app(settings: OrderingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or OrderingSettings()
    return create_service_app(definition(), settings, spine, clock)
