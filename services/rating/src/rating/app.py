"""Composition root of the rating service: FastAPI app, consumers, outbox relay."""

from fastapi import FastAPI

from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.rating import (
    RatingStepOverdue,
    VendorBlacklisted,
    VendorBlacklistLifted,
    VendorFlaggedForReview,
    VendorRated,
)
from epurchasing_shared.service import Runtime, ServiceDefinition, create_service_app
from rating.adapters.tables import spine
from rating.adapters.unit_of_work import SqlRatingUnitOfWork
from rating.adapters.visibility import can_see_procurement
from rating.api import blacklist, ratings, scorecards
from rating.api.wiring import Wiring
from rating.application.ports import UnitOfWorkFactory
from rating.consumers.package_completed import package_completed_consumer
from rating.settings import RatingSettings

SERVICE = "rating"


def unit_of_work(runtime: Runtime) -> UnitOfWorkFactory:
    return SqlRatingUnitOfWork.factory(runtime, SERVICE)


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name=SERVICE,
        title="Rating service (SOP step 27, blacklist)",
        description=(
            "Vendor performance ratings (step 27), public scorecards and the blacklist (11b)."
        ),
        routers=[ratings.router, scorecards.router, blacklist.router],
        publishes=[
            VendorRated,
            VendorFlaggedForReview,
            VendorBlacklisted,
            VendorBlacklistLifted,
            RatingStepOverdue,
        ],
        can_see_procurement=can_see_procurement,
        consumers=lambda runtime: [package_completed_consumer(unit_of_work(runtime))],
    )


def create_app(settings: RatingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RatingSettings()
    # Built here, once: an inconsistent rating configuration refuses to start.
    scheme, policy = settings.rating_scheme(), settings.review_policy()
    app = create_service_app(definition(), settings, spine, clock)
    app.state.rating = Wiring(unit_of_work(app.state.runtime), scheme, policy, settings.zone)
    return app
