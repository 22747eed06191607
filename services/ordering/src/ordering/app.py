"""Composition root of the ordering service: FastAPI app, consumers, outbox relay, mail sender."""

from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts import ordering as contracts
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app
from ordering.adapters.codec import package_from_row
from ordering.adapters.mailer import SmtpMailer
from ordering.adapters.tables import packages, spine
from ordering.api import negotiation, purchase_orders
from ordering.api import packages as packages_api
from ordering.application.common import can_see
from ordering.application.notify_vendor import run_vendor_mail_sender
from ordering.consumers.delivery_events import delivery_events_consumer
from ordering.consumers.package_generated import package_generated_consumer
from ordering.settings import OrderingSettings

PUBLISHES = (
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
)


async def _visible_package_ids(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> set[UUID]:
    """The ids of the procurement's packages the caller may see (the ``can_see`` rule)."""
    rows = (
        await session.execute(select(packages).where(packages.c.procurement_id == procurement_id))
    ).mappings()
    return {package.id for package in map(package_from_row, rows) if can_see(package, principal)}


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    """The history of a procurement is visible to whoever may see one of its packages."""
    if principal.reads_everything:
        return True
    return bool(await _visible_package_ids(session, principal, procurement_id))


async def visible_aggregates(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> set[UUID] | None:
    """The packages whose history entries the caller may read; None (all) for admins and
    auditors. A vendor whose package was cancelled must not read the entries of the next
    winner's package of the same procurement."""
    if principal.reads_everything:
        return None
    return await _visible_package_ids(session, principal, procurement_id)


def background(runtime: Runtime) -> Sequence[Callable[[], Awaitable[None]]]:
    settings = runtime.settings
    assert isinstance(settings, OrderingSettings)
    mailer = SmtpMailer(settings)
    return [lambda: run_vendor_mail_sender(runtime, mailer)]


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="ordering",
        title="Ordering service (SOP steps 14–22, 24a)",
        description=(
            "The e-purchasing package: "
            "vendor e-mail, negotiation, PPK review, purchase order and addenda."
        ),
        routers=[packages_api.router, negotiation.router, purchase_orders.router],
        publishes=PUBLISHES,
        can_see_procurement=can_see_procurement,
        visible_aggregates=visible_aggregates,
        consumers=lambda runtime: [
            package_generated_consumer(runtime),
            delivery_events_consumer(runtime),
        ],
        background=background,
    )


def create_app(settings: OrderingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or OrderingSettings()
    return create_service_app(definition(), settings, spine, clock)
