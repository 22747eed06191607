"""The competition service's unit of work on PostgreSQL: its repositories on one session."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.catalogue_repository import SqlCatalogue
from competition.adapters.procurement_repository import SqlCompetitions, SqlPurchaseRequests
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from epurchasing_shared.persistence import SqlUnitOfWork


class SqlCompetitionUnitOfWork(SqlUnitOfWork, CompetitionUnitOfWork):
    async def _open(self) -> None:
        self.requests = SqlPurchaseRequests(self.session)
        self.competitions = SqlCompetitions(self.session)
        self.catalogue = SqlCatalogue(self.session)


def unit_of_work_factory(runtime: Any) -> UnitOfWorkFactory:
    """``caller -> unit of work`` on the service's runtime (its sessions, spine, clock)."""
    return SqlCompetitionUnitOfWork.factory(runtime, "competition")


def rules_of(settings: Any) -> Rules:
    """The settings the use cases apply, as plain values."""
    return Rules(
        zone=settings.zone,
        min_offers=settings.min_offers,
        scoring=settings.scoring,
        max_import_bytes=settings.max_import_bytes,
        officials_see_live_prices=settings.officials_see_live_prices,
    )


class SessionRepositories:
    """The repositories on a session the shared app hands over (the history route's)."""

    def __init__(self, session: AsyncConnection) -> None:
        self.requests = SqlPurchaseRequests(session)
        self.competitions = SqlCompetitions(session)
        self.catalogue = SqlCatalogue(session)
