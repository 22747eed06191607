"""The competition service's unit of work on PostgreSQL: its repositories on one session."""

from collections.abc import Callable
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.catalogue_repository import SqlCatalogue
from competition.adapters.procurement_repository import SqlCompetitions, SqlPurchaseRequests
from competition.adapters.tables import mail_outbox
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import MailRules
from epurchasing_shared.mail.sql import SqlMailOutbox
from epurchasing_shared.persistence import SqlUnitOfWork


class SqlCompetitionUnitOfWork(SqlUnitOfWork, CompetitionUnitOfWork):
    @classmethod
    def factory(cls, runtime: Any, service: str) -> Callable[[Caller], Self]:
        """The kernel's factory, each unit of work carrying what the e-mails take from the
        settings (link, sender, switches)."""
        make = super().factory(runtime, service)
        rules_of_mail = getattr(runtime.settings, "mail_rules", None)
        mail = rules_of_mail() if callable(rules_of_mail) else MailRules()

        def with_mail(caller: Caller) -> "SqlCompetitionUnitOfWork":
            uow = make(caller)
            uow.mail = mail
            return uow

        return with_mail  # type: ignore[return-value]

    async def _open(self) -> None:
        self.requests = SqlPurchaseRequests(self.session)
        self.competitions = SqlCompetitions(self.session)
        self.catalogue = SqlCatalogue(self.session)
        self.mail_outbox = SqlMailOutbox(self.session, mail_outbox)


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
