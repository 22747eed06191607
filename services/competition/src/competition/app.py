"""Composition root of the competition service: FastAPI app, consumers, outbox relay, the
automatic evaluation, the mail sender; the SQL unit of work and the settings' rules are built
here."""

from collections.abc import Callable, Coroutine, Sequence
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.tables import mail_outbox, spine
from competition.adapters.unit_of_work import (
    SessionRepositories,
    SqlCompetitionUnitOfWork,
    rules_of,
    unit_of_work_factory,
)
from competition.api import catalogue, competitions, offers, purchase_requests, request_documents
from competition.application import notifications, queries
from competition.application.auto_evaluation import run_auto_evaluation
from competition.consumers import consumer_specs
from competition.settings import CompetitionSettings
from epurchasing_shared.auth import Principal
from epurchasing_shared.clock import Clock, SystemClock
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.mail.wiring import mail_probe, mail_sender_tasks
from epurchasing_shared.messaging.consumer import ConsumerSpec
from epurchasing_shared.metrics import DatabaseProbe
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app

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
    contracts.CompetitionStepOverdue,
)


async def can_see_procurement(
    session: AsyncConnection, principal: Principal, procurement_id: UUID
) -> bool:
    """The procurement is the purchase request: whoever may see the request sees its history."""
    repositories = SessionRepositories(session)
    return await queries.can_see_procurement(repositories.requests, principal, procurement_id)


def consumers(runtime: Runtime) -> Sequence[ConsumerSpec]:
    return consumer_specs(unit_of_work_factory(runtime))


def auto_evaluation_tasks(
    runtime: Runtime,
) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    """The automatic evaluation's task (none when the setting is 0)."""
    interval = float(getattr(runtime.settings, "auto_evaluate_seconds", 0))
    if interval <= 0:
        return ()
    factory, rules = unit_of_work_factory(runtime), rules_of(runtime.settings)
    return (lambda: run_auto_evaluation(factory, rules, interval),)


def background(runtime: Runtime) -> Sequence[Callable[[], Coroutine[Any, Any, None]]]:
    """``ServiceDefinition.background``: the mail sender and the automatic evaluation."""
    senders = mail_sender_tasks(
        runtime,
        unit_of_work_factory(runtime),
        outbox=notifications.mail_outbox,
        record=notifications.record_outcome,
        name="competition",
    )
    return (*senders, *auto_evaluation_tasks(runtime))


def metrics(runtime: Runtime) -> Sequence[DatabaseProbe]:
    return [mail_probe(runtime, mail_outbox)]


def definition(clock: Clock | None = None) -> ServiceDefinition:
    """The service as the shared app factory runs it; ``clock`` decides which offers are sealed."""
    clock = clock or SystemClock()

    async def visible_aggregates(
        session: AsyncConnection, principal: Principal, procurement_id: UUID
    ) -> set[UUID] | None:
        # Offers still sealed to the caller are left out of the procurement's history.
        repositories = SessionRepositories(session)
        return await queries.visible_history(
            repositories.competitions,
            repositories.catalogue,
            principal,
            procurement_id,
            clock.now(),
        )

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
        background=background,
        metrics=metrics,
        # The overdue scanner's transactions are the service's own unit of work (its
        # repositories), as every use case's; no automatic consequence: the event and a
        # reminder to the turn's holder (application/notifications.py).
        on_overdue=notifications.on_overdue,
        unit_of_work=lambda runtime: SqlCompetitionUnitOfWork.factory(runtime, "competition"),
    )


def create_app(settings: CompetitionSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings, clock = settings or CompetitionSettings(), clock or SystemClock()
    return create_service_app(definition(clock), settings, spine, clock)
