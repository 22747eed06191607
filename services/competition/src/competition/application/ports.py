"""What the use cases need from storage (the unit of work and its repositories), as
interfaces: the SQL side is in ``adapters/``, the in-memory one in the unit tests."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, Protocol
from uuid import UUID

from competition.domain.blacklist import BlacklistEntry
from competition.domain.competition import Competition
from competition.domain.offers import CatalogueProduct, Offer
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.mail import MailOutbox, MailRules


@dataclass(frozen=True)
class Rules:
    """The service's settings a use case applies, as plain values (built in the app)."""

    zone: tzinfo
    min_offers: int = 1
    scoring: str = "lowest_evaluated_price"
    max_import_bytes: int = 5 * 1024 * 1024
    # A regency may let the official of the work unit watch offer prices before the
    # deadline; by default no one but each vendor (its own offer) sees a price until then.
    officials_see_live_prices: bool = False


@dataclass(frozen=True)
class TurnHolder:
    """Whose turns "mine" means: the turns of ``role`` held by ``actor_id`` (a user id, a
    vendor's id), or held by no one in particular in ``work_unit``."""

    role: str
    actor_id: str
    work_unit: str | None = None


@dataclass(frozen=True)
class WorkFilter:
    """List filters on a resource's open turn (the spine's ``turns`` table): ``overdue``
    true = an open turn past its due time at ``now``, false = none such; ``mine``: the open
    turn is the caller's."""

    now: datetime
    overdue: bool | None = None
    mine: TurnHolder | None = None

    @property
    def active(self) -> bool:
        return self.overdue is not None or self.mine is not None


class PurchaseRequests(Protocol):
    async def get(self, request_id: UUID, for_update: bool = False) -> PurchaseRequest | None: ...
    async def add(self, request: PurchaseRequest, now: datetime) -> None: ...
    async def save(self, request: PurchaseRequest, now: datetime) -> None: ...
    async def page(
        self,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
        state: str | None = None,
        buyer: tuple[str | None, str] | None = None,
        work: WorkFilter | None = None,
    ) -> list[tuple[PurchaseRequest, datetime]]: ...


class Competitions(Protocol):
    async def get(self, competition_id: UUID, for_update: bool = False) -> Competition | None: ...
    async def add(self, competition: Competition, now: datetime) -> None: ...
    async def save(
        self,
        competition: Competition,
        now: datetime,
        ranking: list[dict[str, Any]] | None = None,
    ) -> None: ...
    async def of_package(self, package_id: UUID) -> Competition | None: ...
    async def of_request(self, request_id: UUID) -> list[Competition]: ...
    async def ranking(self, competition_id: UUID) -> list[dict[str, Any]]: ...
    async def page(
        self,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
        work_unit: str | None = None,
        vendor_id: UUID | None = None,
        state: str | None = None,
        work: WorkFilter | None = None,
        *,
        purchase_request_id: UUID | None,
    ) -> list[tuple[Competition, datetime]]: ...
    async def claim_due(self, now: datetime, skip: Sequence[UUID] = ()) -> Competition | None: ...
    async def history_aggregate_ids(self, procurement_id: UUID) -> set[UUID]: ...


class Catalogue(Protocol):
    async def vendor_by_email(self, email: str) -> dict[str, Any] | None: ...
    async def vendor_by_id(self, vendor_id: UUID) -> dict[str, Any] | None: ...
    async def vendors_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Any]: ...
    async def add_vendor(self, values: dict[str, Any]) -> None: ...
    async def ensure_category(self, code: str, now: datetime) -> None: ...
    async def add_product(self, values: dict[str, Any]) -> None: ...
    async def vendors_by_emails(self, emails: Iterable[str]) -> dict[str, dict[str, Any]]: ...
    async def add_vendors(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def ensure_categories(self, codes: Iterable[str], now: datetime) -> None: ...
    async def add_products(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def products_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, CatalogueProduct]: ...
    async def products_in_category(self, category: str) -> list[CatalogueProduct]: ...
    async def vendors_page(self, limit: int, after: UUID | None) -> list[dict[str, Any]]: ...
    async def products_page(
        self, category: str | None, limit: int, after: UUID | None
    ) -> list[dict[str, Any]]: ...
    async def offer_of_vendor(
        self, competition_id: UUID, vendor_id: UUID, for_update: bool = False
    ) -> Offer | None: ...
    async def offers_of_vendor(
        self, competition_ids: Iterable[UUID], vendor_id: UUID
    ) -> dict[UUID, Offer]: ...
    async def live_offers(self, competition_id: UUID) -> list[Offer]: ...
    async def count_live_offers(self, competition_id: UUID) -> int: ...
    async def offer_ids_of(self, competition_ids: Iterable[UUID]) -> set[UUID]: ...
    async def save_offer(self, offer: Offer, price: int, exists: bool) -> None: ...
    async def withdraw_offer(self, offer_id: UUID, at: datetime) -> None: ...
    async def blacklist_of(
        self, vendor_ids: Iterable[UUID]
    ) -> dict[UUID, list[BlacklistEntry]]: ...
    async def record_blacklisting(self, entry: VendorBlacklisted) -> None: ...
    async def record_lift(self, lift: VendorBlacklistLifted) -> None: ...


class CompetitionUnitOfWork(UnitOfWork):
    """The unit of work of this service's use cases: the kernel's, with its repositories,
    the mail outbox and what its e-mails take from the settings."""

    requests: PurchaseRequests
    competitions: Competitions
    catalogue: Catalogue
    mail_outbox: MailOutbox
    mail: MailRules = MailRules()


UnitOfWorkFactory = Callable[[Caller], CompetitionUnitOfWork]
