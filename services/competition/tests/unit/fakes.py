"""The competition service's in-memory unit of work: its repositories on dicts of the
kernel's MemoryStore. Aggregates are stored and returned as copies, so a rolled-back change
never leaks into the "database"."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import datetime
from typing import Any
from uuid import UUID

from competition.application.ports import CompetitionUnitOfWork, WorkFilter
from competition.domain.blacklist import BlacklistEntry
from competition.domain.competition import Competition
from competition.domain.offers import CatalogueProduct, Offer
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.testing.unit_of_work import InMemoryUnitOfWork, MemoryStore


def work_matches(store: MemoryStore, aggregate_id: UUID, work: WorkFilter | None) -> bool:
    """The SQL adapter's join on the open turn (``with_work_filter``), on the memory store."""
    if work is None or not work.active:
        return True
    turn = next((t for t in store.turns if t.aggregate_id == aggregate_id and t.is_open), None)
    if work.overdue is True and (turn is None or not turn.due_at < work.now):
        return False
    if work.overdue is False and turn is not None and turn.due_at < work.now:
        return False
    if work.mine is not None:
        mine = work.mine
        if turn is None or turn.actor_role != mine.role:
            return False
        unit_turn = turn.actor_id is None and mine.work_unit is not None
        return turn.actor_id == mine.actor_id or (unit_turn and turn.work_unit == mine.work_unit)
    return True


class FakePurchaseRequests:
    def __init__(self, store: MemoryStore) -> None:
        self.rows: dict[UUID, tuple[PurchaseRequest, datetime]] = store.table("purchase_requests")
        self.store = store

    async def get(self, request_id: UUID, for_update: bool = False) -> PurchaseRequest | None:
        found = self.rows.get(request_id)
        return deepcopy(found[0]) if found else None

    async def add(self, request: PurchaseRequest, now: datetime) -> None:
        self.rows[request.id] = (deepcopy(request), now)

    async def save(self, request: PurchaseRequest, now: datetime) -> None:
        self.rows[request.id] = (deepcopy(request), self.rows[request.id][1])

    async def page(
        self,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
        state: str | None = None,
        buyer: tuple[str | None, str] | None = None,
        work: WorkFilter | None = None,
    ) -> list[tuple[PurchaseRequest, datetime]]:
        rows = sorted(self.rows.values(), key=lambda r: (r[1], str(r[0].id)))
        found = [
            (deepcopy(r), at)
            for r, at in rows
            if (state is None or r.state == state)
            and (
                buyer is None
                or r.work_unit == buyer[0]
                or (r.official is not None and r.official.id == buyer[1])
            )
            and (after is None or (at, str(r.id)) > (after[0], str(after[1])))
            and work_matches(self.store, r.id, work)
        ]
        return found[:limit]


class FakeCompetitions:
    def __init__(self, store: MemoryStore) -> None:
        self.rows: dict[UUID, tuple[Competition, datetime]] = store.table("competitions")
        self.rankings: dict[UUID, list[dict[str, Any]]] = store.table("rankings")
        self.store = store

    async def get(self, competition_id: UUID, for_update: bool = False) -> Competition | None:
        found = self.rows.get(competition_id)
        return deepcopy(found[0]) if found else None

    async def add(self, competition: Competition, now: datetime) -> None:
        self.rows[competition.id] = (deepcopy(competition), now)

    async def save(
        self,
        competition: Competition,
        now: datetime,
        ranking: list[dict[str, Any]] | None = None,
    ) -> None:
        self.rows[competition.id] = (deepcopy(competition), self.rows[competition.id][1])
        if ranking is not None:
            self.rankings[competition.id] = deepcopy(ranking)

    async def of_package(self, package_id: UUID) -> Competition | None:
        found = [c for c, _ in self.rows.values() if c.package_id == package_id]
        return deepcopy(found[0]) if found else None

    async def of_request(self, request_id: UUID) -> list[Competition]:
        return [deepcopy(c) for c, _ in self.rows.values() if c.purchase_request_id == request_id]

    async def ranking(self, competition_id: UUID) -> list[dict[str, Any]]:
        return deepcopy(self.rankings.get(competition_id, []))

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
    ) -> list[tuple[Competition, datetime]]:
        rows = sorted(self.rows.values(), key=lambda r: (r[1], str(r[0].id)), reverse=True)
        found = [
            (deepcopy(c), at)
            for c, at in rows
            if (work_unit is None or c.work_unit == work_unit)
            and purchase_request_id in (None, c.purchase_request_id)
            and (state is None or c.state == state)
            and (vendor_id is None or vendor_id in c.eligible_vendor_ids)
            and (after is None or (at, str(c.id)) < (after[0], str(after[1])))
            and work_matches(self.store, c.id, work)
        ]
        return found[:limit]

    async def claim_due(self, now: datetime, skip: Sequence[UUID] = ()) -> Competition | None:
        due = [
            c
            for c, _ in self.rows.values()
            if c.state == "open" and c.offers_closed(now) and c.id not in skip
        ]
        due.sort(key=lambda c: (c.offer_deadline, str(c.id)))
        return deepcopy(due[0]) if due else None

    async def history_aggregate_ids(self, procurement_id: UUID) -> set[UUID]:
        return {h.aggregate_id for h in self.store.history if h.procurement_id == procurement_id}


class FakeCatalogue:
    def __init__(self, store: MemoryStore) -> None:
        self.vendors: dict[UUID, dict[str, Any]] = store.table("vendors")
        self.products: dict[UUID, dict[str, Any]] = store.table("products")
        self.categories: dict[str, datetime] = store.table("categories")
        self.offers: dict[UUID, tuple[Offer, int]] = store.table("offers")
        self.blacklist: dict[UUID, dict[str, Any]] = store.table("blacklist")

    async def vendor_by_email(self, email: str) -> dict[str, Any] | None:
        found = [v for v in self.vendors.values() if v["email"].lower() == email.lower()]
        return dict(found[0]) if found else None

    async def vendor_by_id(self, vendor_id: UUID) -> dict[str, Any] | None:
        found = self.vendors.get(vendor_id)
        return dict(found) if found else None

    async def vendors_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Any]:
        return {i: dict(self.vendors[i]) for i in ids if i in self.vendors}

    async def add_vendor(self, values: dict[str, Any]) -> None:
        self.vendors[values["id"]] = dict(values)

    async def ensure_category(self, code: str, now: datetime) -> None:
        self.categories.setdefault(code, now)

    async def add_product(self, values: dict[str, Any]) -> None:
        self.products[values["id"]] = dict(values)

    async def vendors_by_emails(self, emails: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = {e.lower() for e in emails}
        return {
            v["email"].lower(): dict(v)
            for v in self.vendors.values()
            if v["email"].lower() in wanted
        }

    async def add_vendors(self, rows: Sequence[dict[str, Any]]) -> None:
        for values in rows:
            await self.add_vendor(values)

    async def ensure_categories(self, codes: Iterable[str], now: datetime) -> None:
        for code in codes:
            await self.ensure_category(code, now)

    async def add_products(self, rows: Sequence[dict[str, Any]]) -> None:
        for values in rows:
            await self.add_product(values)

    def _product(self, row: dict[str, Any]) -> CatalogueProduct:
        keys = ("id", "vendor_id", "category", "name", "unit", "unit_price")
        return CatalogueProduct(**{k: row[k] for k in keys})

    async def products_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, CatalogueProduct]:
        return {i: self._product(self.products[i]) for i in ids if i in self.products}

    async def products_in_category(self, category: str) -> list[CatalogueProduct]:
        rows = [p for p in self.products.values() if p["category"] == category]
        return [self._product(p) for p in sorted(rows, key=lambda p: p["name"])]

    async def vendors_page(self, limit: int, after: UUID | None) -> list[dict[str, Any]]:
        rows = sorted(self.vendors.values(), key=lambda v: str(v["id"]))
        return [dict(v) for v in rows if after is None or str(v["id"]) > str(after)][:limit]

    async def products_page(
        self, category: str | None, limit: int, after: UUID | None
    ) -> list[dict[str, Any]]:
        rows = sorted(self.products.values(), key=lambda p: str(p["id"]))
        return [
            dict(p)
            for p in rows
            if (not category or p["category"] == category)
            and (after is None or str(p["id"]) > str(after))
        ][:limit]

    async def offer_of_vendor(
        self, competition_id: UUID, vendor_id: UUID, for_update: bool = False
    ) -> Offer | None:
        for offer, _ in self.offers.values():
            if offer.competition_id == competition_id and offer.vendor_id == vendor_id:
                return deepcopy(offer)
        return None

    async def offers_of_vendor(
        self, competition_ids: Iterable[UUID], vendor_id: UUID
    ) -> dict[UUID, Offer]:
        wanted = set(competition_ids)
        return {
            offer.competition_id: deepcopy(offer)
            for offer, _ in self.offers.values()
            if offer.competition_id in wanted and offer.vendor_id == vendor_id
        }

    async def live_offers(self, competition_id: UUID) -> list[Offer]:
        return [
            deepcopy(o)
            for o, _ in self.offers.values()
            if o.competition_id == competition_id and not o.withdrawn
        ]

    async def count_live_offers(self, competition_id: UUID) -> int:
        return len(await self.live_offers(competition_id))

    async def offer_ids_of(self, competition_ids: Iterable[UUID]) -> set[UUID]:
        wanted = set(competition_ids)
        return {o.id for o, _ in self.offers.values() if o.competition_id in wanted}

    async def save_offer(self, offer: Offer, price: int, exists: bool) -> None:
        self.offers[offer.id] = (deepcopy(offer), price)

    async def withdraw_offer(self, offer_id: UUID, at: datetime) -> None:
        offer, price = self.offers[offer_id]
        offer = Offer(**(vars(offer) | {"withdrawn": True}))
        self.offers[offer_id] = (offer, price)

    async def blacklist_of(self, vendor_ids: Iterable[UUID]) -> dict[UUID, list[BlacklistEntry]]:
        wanted, found = set(vendor_ids), defaultdict(list)
        for row in self.blacklist.values():
            if row["vendor_id"] in wanted:
                keys = ("entry_id", "vendor_id", "starts_on", "ends_on", "lifted_at")
                found[row["vendor_id"]].append(BlacklistEntry(**{k: row.get(k) for k in keys}))
        return found

    async def record_blacklisting(self, entry: VendorBlacklisted) -> None:
        row = self.blacklist.get(entry.entry_id)
        if row is not None and row.get("starts_on") is not None:
            return  # known already: left as it is
        values = entry.model_dump(exclude={"entry_id"})
        self.blacklist[entry.entry_id] = (row or {"entry_id": entry.entry_id}) | values

    async def record_lift(self, lift: VendorBlacklistLifted) -> None:
        row = self.blacklist.setdefault(
            lift.entry_id, {"entry_id": lift.entry_id, "vendor_id": lift.vendor_id}
        )
        row.setdefault("lifted_at", lift.lifted_at)
        row.setdefault("lift_reason", lift.reason)
        if row["lifted_at"] is None:
            row["lifted_at"] = lift.lifted_at


class InMemoryCompetitionUnitOfWork(InMemoryUnitOfWork, CompetitionUnitOfWork):
    def _open(self) -> None:
        self.requests = FakePurchaseRequests(self.store)
        self.competitions = FakeCompetitions(self.store)
        self.catalogue = FakeCatalogue(self.store)
