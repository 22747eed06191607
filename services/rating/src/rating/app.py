"""Composition root of the rating service: FastAPI app, consumers, outbox relay."""

from fastapi import FastAPI

from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.rating import (
    VendorBlacklisted,
    VendorBlacklistLifted,
    VendorFlaggedForReview,
    VendorRated,
)
from epurchasing_shared.service import ServiceDefinition, create_service_app
from rating.adapters.tables import spine
from rating.api import blacklist, ratings, scorecards
from rating.api.common import install_domain_error_handlers
from rating.application.visibility import can_see_procurement
from rating.consumers.package_completed import package_completed_consumer
from rating.settings import RatingSettings


def definition() -> ServiceDefinition:
    return ServiceDefinition(
        name="rating",
        title="Rating service (SOP step 27, blacklist)",
        description=(
            "Vendor performance ratings (step 27), public scorecards and the blacklist (11b)."
        ),
        routers=[ratings.router, scorecards.router, blacklist.router],
        publishes=[VendorRated, VendorFlaggedForReview, VendorBlacklisted, VendorBlacklistLifted],
        can_see_procurement=can_see_procurement,
        consumers=lambda runtime: [package_completed_consumer(runtime)],
    )


def create_app(settings: RatingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or RatingSettings()
    settings.rating_scheme()  # refuse to start on an inconsistent rating configuration
    app = create_service_app(definition(), settings, spine, clock)
    install_domain_error_handlers(app)
    return app
