"""Composition root of the competition service: FastAPI app, consumers, outbox relay."""

from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import procurement_repository as repo
from competition.adapters.tables import spine
from competition.api import catalogue, competitions, offers, purchase_requests, request_documents
from competition.api.common import install_domain_errors
from competition.application.auto_evaluation import auto_evaluation_tasks
from competition.application.purchase_requests import may_see_request
from competition.application.views import visible_history
from competition.consumers import consumers
from competition.settings import CompetitionSettings
from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock, SystemClock
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.service import ServiceDefinition, create_service_app

PUBLISHES = (
    contracts.PurchaseRequestSubmitted,
    contracts.PurchaseRequestAccepted,
    contracts.PurchaseRequestReturned,
    contracts.CompetitionOpened,
    contracts.OfferSubmitted,
    contracts.CompetitionSucceeded,
    contracts.CompetitionFailed,
    contracts.CompetitionPublished,
    contracts.PackageGenerated,
)


async def can_see_procurement(
    session: AsyncSession, principal: Principal, procurement_id: UUID
) -> bool:
    """The procurement is the purchase request: whoever may see the request sees its history."""
    request = await repo.load_request(session, procurement_id)
    return request is not None and may_see_request(principal, request)


def definition(clock: Clock | None = None) -> ServiceDefinition:
    """The service as the shared app factory runs it; ``clock`` decides which offers are sealed."""
    clock = clock or SystemClock()

    async def visible_aggregates(
        session: AsyncSession, principal: Principal, procurement_id: UUID
    ) -> set[UUID] | None:
        # Offers still sealed to the caller are left out of the procurement's history.
        return await visible_history(session, principal, procurement_id, clock.now())

    return ServiceDefinition(
        name="competition",
        title="Competition service (SOP steps 1–13)",
        description=(
            "Purchase requests, the catalogue and mini-competitions: "
            "from the PPK's need to the generated package."
        ),
        routers=[
            purchase_requests.router,
            request_documents.router,
            catalogue.router,
            competitions.router,
            offers.router,
        ],
        publishes=PUBLISHES,
        can_see_procurement=can_see_procurement,
        visible_aggregates=visible_aggregates,
        consumers=consumers,
        background=auto_evaluation_tasks,
    )


def create_app(settings: CompetitionSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings, clock = settings or CompetitionSettings(), clock or SystemClock()
    app = create_service_app(definition(clock), settings, spine, clock)
    install_domain_errors(app)
    return app
