"""A small in-memory world for the use-case tests: callers, a clock, the unit of work and
the SOP's steps up to a given state, run through the use cases themselves."""

import hashlib
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from competition.application import catalogue, competitions, offers, results
from competition.application import purchase_requests as requests
from competition.application.catalogue import ProductData, VendorData
from competition.application.ports import Rules
from competition.domain.offers import OfferLine, OfferTerms
from competition.domain.purchase_request import Official, RequestItem
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.unit_of_work import Caller, IdempotencyKey
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.unit_of_work import MemoryStore

from .fakes import InMemoryCompetitionUnitOfWork

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta
RULES = Rules(zone=ZoneInfo("Asia/Jakarta"))
PPK = Principal("ppk-1", Role.PPK, "Budi", work_unit="dinkes")
OFFICIAL = Principal("official-1", Role.PROCUREMENT_OFFICIAL, "Sari", work_unit="dinkes")
OTHER_OFFICIAL = Principal("official-2", Role.PROCUREMENT_OFFICIAL, "Rina", work_unit="dinkes")
STRANGER = Principal("ppk-9", Role.PPK, "Ani", work_unit="dishub")
ADMIN = Principal("admin-1", Role.ADMIN, "Admin")
PDF = Upload(
    filename="nota.pdf",
    media_type="application/pdf",
    content=b"%PDF-1.4 nota",
    sha256=hashlib.sha256(b"%PDF-1.4 nota").hexdigest(),
)


def draft_data(**overrides: Any) -> dict[str, Any]:
    return {
        "rup_code": "RUP-1",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1",
        "pagu": 100_000_000,
        "title": "Laptops",
        "specification": "14 inch",
        "items": [RequestItem("laptop", "staff", 10, "unit")],
        "delivery_address": "Jl. Kartini 1",
        "delivery_date": date(2026, 4, 30),
    } | overrides


def terms(product_id: UUID, price: int = 5_000_000, shipping: int = 500_000) -> OfferTerms:
    return OfferTerms((OfferLine(1, product_id, price),), shipping, 7)


class World:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock(NOW)

    def uow(self, caller: Caller) -> InMemoryCompetitionUnitOfWork:
        return InMemoryCompetitionUnitOfWork(
            self.store, service="competition", clock=self.clock, caller=caller
        )

    def asks(
        self, principal: Principal, if_match: int | None = None, key: str | None = None
    ) -> ActionRequest:
        idempotency = IdempotencyKey(key, "POST /x") if key else None
        return ActionRequest(Caller(principal, "test"), if_match, idempotency)

    def snapshot(self) -> Any:
        """What the store holds (tables left empty by a rollback count as absent)."""
        tables = {name: rows for name, rows in self.store.tables.items() if rows}
        store = self.store
        return deepcopy((tables, store.events, store.history, store.responses, store.turns))

    def unchanged(self, before: Any) -> bool:
        return self.snapshot() == before

    async def vendor(self, name: str = "Vendor", price: int = 6_000_000) -> tuple[Principal, UUID]:
        """A vendor with a laptop in the catalogue at ``price``; its principal and product."""
        email = f"{name.lower()}.{uuid4().hex[:4]}@v.example.id"
        made = await catalogue.create_vendor(
            self.uow, self.asks(ADMIN), VendorData(name=name, email=email)
        )
        vendor_id = UUID(made.body["id"])
        data = ProductData(
            vendor_id=vendor_id, category="laptop", name="Laptop", unit="unit", unit_price=price
        )
        product = await catalogue.create_product(self.uow, self.asks(ADMIN), data)
        principal = Principal(f"v-{name}", Role.VENDOR, name, vendor_id=vendor_id)
        return principal, UUID(product.body["id"])

    # The SOP up to a state, through the use cases.
    async def drafted(self) -> UUID:
        made = await requests.draft_request(self.uow, self.asks(PPK), draft_data(), RULES)
        return UUID(made.body["id"])

    async def submitted(self) -> UUID:
        request_id = await self.drafted()
        await requests.attach_request_document(
            self.uow, self.asks(PPK), request_id, "nota_dinas", PDF
        )
        official = Official(OFFICIAL.sub, OFFICIAL.name)
        await requests.submit_request(self.uow, self.asks(PPK), request_id, official)
        return request_id

    async def accepted(self) -> UUID:
        request_id = await self.submitted()
        await requests.accept_request(self.uow, self.asks(OFFICIAL), request_id)
        return request_id

    async def competition(self) -> UUID:
        request_id = await self.accepted()
        made = await competitions.create_competition(
            self.uow, self.asks(OFFICIAL), request_id, "specification", None, "laptop"
        )
        return UUID(made.body["id"])

    async def opened(self) -> UUID:
        competition_id = await self.competition()
        deadline = NOW + timedelta(days=2)
        await competitions.open_competition(
            self.uow, self.asks(OFFICIAL), competition_id, deadline, RULES
        )
        return competition_id

    async def offered(self, vendor: Principal, product: UUID, competition_id: UUID) -> None:
        await offers.submit_offer(
            self.uow, self.asks(vendor), competition_id, terms(product), RULES
        )

    async def evaluated(self, vendor: Principal, product: UUID) -> UUID:
        competition_id = await self.opened()
        await self.offered(vendor, product, competition_id)
        self.clock.advance(days=3)
        await results.evaluate_competition(self.uow, self.asks(OFFICIAL), competition_id, RULES)
        return competition_id
