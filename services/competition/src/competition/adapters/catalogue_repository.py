"""Vendors, categories, products, offers and the blacklist copy (rows ↔ domain objects)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Uuid, and_, any_, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.tables import blacklist_entries, categories, offers, products, vendors
from competition.domain.blacklist import BlacklistEntry
from competition.domain.offers import CatalogueProduct, Offer, OfferLine, OfferTerms
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.direct import Direct, execute, fetch, fetchrow


def product_from_row(row: Any) -> CatalogueProduct:
    return CatalogueProduct(
        id=row["id"],
        vendor_id=row["vendor_id"],
        category=row["category"],
        name=row["name"],
        unit=row["unit"],
        unit_price=row["unit_price"],
    )


async def ensure_category(session: AsyncConnection, code: str, now: datetime) -> None:
    await session.execute(
        pg_insert(categories).values(code=code, created_at=now).on_conflict_do_nothing()
    )


async def vendor_by_email(session: AsyncConnection, email: str) -> dict[str, Any] | None:
    query = select(vendors).where(func.lower(vendors.c.email) == email.lower())
    row = (await session.execute(query)).mappings().first()
    return dict(row) if row else None


async def vendor_by_id(session: AsyncConnection, vendor_id: UUID) -> dict[str, Any] | None:
    row = await fetchrow(session, _VENDOR_BY_ID, {"vendor_key": vendor_id})
    return dict(row) if row else None


# Many ids are one array parameter (``= ANY(:ids)``): one SQL text whatever their number, where
# ``IN`` would send a different statement per count. Statements built once, values bound at
# execution (docs/performance.md); those of a step run on the driver directly
# (epurchasing_shared.direct: SQLAlchemy's execution was a quarter of the service's CPU).
def _ids(name: str = "ids") -> Any:
    return any_(bindparam(name, type_=ARRAY(Uuid)))


_VENDOR_BY_ID = Direct(select(vendors).where(vendors.c.id == bindparam("vendor_key")))
_VENDORS_BY_IDS = Direct(select(vendors).where(vendors.c.id == _ids()))
_PRODUCTS_BY_IDS = Direct(select(products).where(products.c.id == _ids()))
_BLACKLIST_OF = Direct(select(blacklist_entries).where(blacklist_entries.c.vendor_id == _ids()))
_OFFER = select(offers).where(
    offers.c.competition_id == bindparam("competition_key"),
    offers.c.vendor_id == bindparam("vendor_key"),
)
_OFFER_OF_VENDOR = Direct(_OFFER)
_OFFER_OF_VENDOR_FOR_UPDATE = Direct(_OFFER.with_for_update())
_OFFERS_OF_VENDOR = Direct(
    select(offers).where(
        offers.c.competition_id == _ids(), offers.c.vendor_id == bindparam("vendor_key")
    )
)
_LIVE = and_(
    offers.c.competition_id == bindparam("competition_key"), offers.c.withdrawn_at.is_(None)
)
_LIVE_OFFERS = Direct(select(offers).where(_LIVE))
_COUNT_LIVE_OFFERS = Direct(select(func.count()).select_from(offers).where(_LIVE))
_OFFER_IDS_OF = Direct(select(offers.c.id).where(offers.c.competition_id == _ids()))
_ADD_OFFER = Direct(insert(offers))  # every column given (save_offer)
_OFFER_SET = ["lines", "shipping_cost", "delivery_days", "evaluated_price", "revision"]
_OFFER_SET += ["submitted_at", "withdrawn_at"]
_SAVE_OFFER = Direct(
    update(offers)
    .where(offers.c.id == bindparam("offer_key"))
    .values({name: bindparam(f"set_{name}") for name in _OFFER_SET})
)
_WITHDRAW_OFFER = Direct(
    update(offers)
    .where(offers.c.id == bindparam("offer_key"))
    .values(withdrawn_at=bindparam("set_withdrawn_at"))
)


async def vendors_by_ids(session: AsyncConnection, ids: Iterable[UUID]) -> dict[UUID, Any]:
    rows = await fetch(session, _VENDORS_BY_IDS, {"ids": list(ids)})
    return {row["id"]: dict(row) for row in rows}


async def add_vendor(session: AsyncConnection, values: dict[str, Any]) -> None:
    await session.execute(insert(vendors).values(**values))


async def add_product(session: AsyncConnection, values: dict[str, Any]) -> None:
    await session.execute(insert(products).values(**values))


# Rows per round of a bulk write: an executemany of 1,000 rows (SQLAlchemy sends them as
# multi-row INSERTs), and the event loop gets a turn between rounds.
BATCH_ROWS = 1_000


async def add_many(session: AsyncConnection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` in statements of ``BATCH_ROWS`` rows each (multi-row VALUES)."""
    statement = insert(table)  # compiled once; each batch is an executemany of its rows
    for start in range(0, len(rows), BATCH_ROWS):
        await session.execute(statement, list(rows[start : start + BATCH_ROWS]))


async def vendors_by_emails(session: AsyncConnection, emails: Iterable[str]) -> dict[str, Any]:
    """The vendors registered under these e-mails (compared in lower case), by e-mail."""
    wanted = sorted({email.lower() for email in emails})
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), BATCH_ROWS):
        chunk = wanted[start : start + BATCH_ROWS]
        query = select(vendors).where(func.lower(vendors.c.email).in_(chunk))
        for row in (await session.execute(query)).mappings():
            found[row["email"].lower()] = dict(row)
    return found


async def ensure_categories(session: AsyncConnection, codes: Iterable[str], now: datetime) -> None:
    rows = [{"code": code, "created_at": now} for code in sorted(set(codes))]
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start : start + BATCH_ROWS]
        await session.execute(pg_insert(categories).values(chunk).on_conflict_do_nothing())


async def products_by_ids(
    session: AsyncConnection, ids: Iterable[UUID]
) -> dict[UUID, CatalogueProduct]:
    rows = await fetch(session, _PRODUCTS_BY_IDS, {"ids": list(ids)})
    return {row["id"]: product_from_row(row) for row in rows}


async def products_in_category(session: AsyncConnection, category: str) -> list[CatalogueProduct]:
    query = select(products).where(products.c.category == category).order_by(products.c.name)
    return [product_from_row(row) for row in (await session.execute(query)).mappings()]


def offer_from_row(row: Any) -> Offer:
    return Offer(
        id=row["id"],
        competition_id=row["competition_id"],
        vendor_id=row["vendor_id"],
        terms=OfferTerms(
            lines=tuple(
                OfferLine(line["line_no"], UUID(line["product_id"]), line["unit_price"])
                for line in row["lines"]
            ),
            shipping_cost=row["shipping_cost"],
            delivery_days=row["delivery_days"],
        ),
        revision=row["revision"],
        submitted_at=row["submitted_at"],
        withdrawn=row["withdrawn_at"] is not None,
    )


async def offer_of_vendor(
    session: AsyncConnection, competition_id: UUID, vendor_id: UUID, for_update: bool = False
) -> Offer | None:
    query = _OFFER_OF_VENDOR_FOR_UPDATE if for_update else _OFFER_OF_VENDOR
    params = {"competition_key": competition_id, "vendor_key": vendor_id}
    row = await fetchrow(session, query, params)
    return offer_from_row(row) if row else None


async def offers_of_vendor(
    session: AsyncConnection, competition_ids: Iterable[UUID], vendor_id: UUID
) -> dict[UUID, Offer]:
    """The vendor's offer (withdrawn or not) in each of these competitions that has one, by
    competition id, in one query (``uq_offers_competition_vendor``)."""
    wanted = list(dict.fromkeys(competition_ids))
    if not wanted:
        return {}
    params = {"ids": wanted, "vendor_key": vendor_id}
    rows = await fetch(session, _OFFERS_OF_VENDOR, params)
    return {row["competition_id"]: offer_from_row(row) for row in rows}


async def live_offers(session: AsyncConnection, competition_id: UUID) -> list[Offer]:
    """The latest revision of every offer not withdrawn."""
    rows = await fetch(session, _LIVE_OFFERS, {"competition_key": competition_id})
    return [offer_from_row(row) for row in rows]


async def count_live_offers(session: AsyncConnection, competition_id: UUID) -> int:
    """How many offers (not withdrawn) the competition holds: all a sealed view may tell."""
    row = await fetchrow(session, _COUNT_LIVE_OFFERS, {"competition_key": competition_id})
    return int(row[0] or 0) if row else 0


async def offer_ids_of(session: AsyncConnection, competition_ids: Iterable[UUID]) -> set[UUID]:
    """The ids of every offer (withdrawn ones too) made in these competitions."""
    rows = await fetch(session, _OFFER_IDS_OF, {"ids": list(competition_ids)})
    return {row[0] for row in rows}


def _terms_values(terms: OfferTerms) -> dict[str, Any]:
    return {
        "lines": [
            {
                "line_no": line.line_no,
                "product_id": str(line.product_id),
                "unit_price": line.unit_price,
            }
            for line in terms.lines
        ],
        "shipping_cost": terms.shipping_cost,
        "delivery_days": terms.delivery_days,
    }


async def save_offer(session: AsyncConnection, offer: Offer, price: int, exists: bool) -> None:
    values = _terms_values(offer.terms) | {
        "evaluated_price": price,
        "revision": offer.revision,
        "submitted_at": offer.submitted_at,
        "withdrawn_at": None,
    }
    if exists:
        params = {"offer_key": offer.id} | {f"set_{name}": values[name] for name in _OFFER_SET}
        await execute(session, _SAVE_OFFER, params)
    else:
        keys = {"id": offer.id, "competition_id": offer.competition_id}
        await execute(session, _ADD_OFFER, keys | {"vendor_id": offer.vendor_id} | values)


async def withdraw_offer_row(session: AsyncConnection, offer_id: UUID, at: datetime) -> None:
    await execute(session, _WITHDRAW_OFFER, {"offer_key": offer_id, "set_withdrawn_at": at})


def entry_from_row(row: Any) -> BlacklistEntry:
    return BlacklistEntry(
        entry_id=row["entry_id"],
        vendor_id=row["vendor_id"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        lifted_at=row["lifted_at"],
    )


async def blacklist_of(
    session: AsyncConnection, vendor_ids: Iterable[UUID]
) -> dict[UUID, list[BlacklistEntry]]:
    rows = await fetch(session, _BLACKLIST_OF, {"ids": list(vendor_ids)})
    found: dict[UUID, list[BlacklistEntry]] = defaultdict(list)
    for row in rows:
        found[row["vendor_id"]].append(entry_from_row(row))
    return found


class SqlCatalogue:
    """Vendors, products, offers and the blacklist copy of one unit of work's session."""

    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def vendor_by_email(self, email: str) -> dict[str, Any] | None:
        return await vendor_by_email(self.session, email)

    async def vendor_by_id(self, vendor_id: UUID) -> dict[str, Any] | None:
        return await vendor_by_id(self.session, vendor_id)

    async def vendors_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, Any]:
        return await vendors_by_ids(self.session, ids)

    async def add_vendor(self, values: dict[str, Any]) -> None:
        await add_vendor(self.session, values)

    async def ensure_category(self, code: str, now: datetime) -> None:
        await ensure_category(self.session, code, now)

    async def add_product(self, values: dict[str, Any]) -> None:
        await add_product(self.session, values)

    async def vendors_by_emails(self, emails: Iterable[str]) -> dict[str, dict[str, Any]]:
        return await vendors_by_emails(self.session, emails)

    async def add_vendors(self, rows: Sequence[dict[str, Any]]) -> None:
        await add_many(self.session, vendors, rows)

    async def ensure_categories(self, codes: Iterable[str], now: datetime) -> None:
        await ensure_categories(self.session, codes, now)

    async def add_products(self, rows: Sequence[dict[str, Any]]) -> None:
        await add_many(self.session, products, rows)

    async def products_by_ids(self, ids: Iterable[UUID]) -> dict[UUID, CatalogueProduct]:
        return await products_by_ids(self.session, ids)

    async def products_in_category(self, category: str) -> list[CatalogueProduct]:
        return await products_in_category(self.session, category)

    async def vendors_page(self, limit: int, after: UUID | None) -> list[dict[str, Any]]:
        query = select(vendors).order_by(vendors.c.id).limit(limit)
        if after is not None:
            query = query.where(vendors.c.id > after)
        return [dict(row) for row in (await self.session.execute(query)).mappings()]

    async def products_page(
        self, category: str | None, limit: int, after: UUID | None
    ) -> list[dict[str, Any]]:
        query = select(products).order_by(products.c.id).limit(limit)
        if category:
            query = query.where(products.c.category == category)
        if after is not None:
            query = query.where(products.c.id > after)
        return [dict(row) for row in (await self.session.execute(query)).mappings()]

    async def offer_of_vendor(
        self, competition_id: UUID, vendor_id: UUID, for_update: bool = False
    ) -> Offer | None:
        return await offer_of_vendor(self.session, competition_id, vendor_id, for_update)

    async def offers_of_vendor(
        self, competition_ids: Iterable[UUID], vendor_id: UUID
    ) -> dict[UUID, Offer]:
        return await offers_of_vendor(self.session, competition_ids, vendor_id)

    async def live_offers(self, competition_id: UUID) -> list[Offer]:
        return await live_offers(self.session, competition_id)

    async def count_live_offers(self, competition_id: UUID) -> int:
        return await count_live_offers(self.session, competition_id)

    async def offer_ids_of(self, competition_ids: Iterable[UUID]) -> set[UUID]:
        return await offer_ids_of(self.session, competition_ids)

    async def save_offer(self, offer: Offer, price: int, exists: bool) -> None:
        await save_offer(self.session, offer, price, exists)

    async def withdraw_offer(self, offer_id: UUID, at: datetime) -> None:
        await withdraw_offer_row(self.session, offer_id, at)

    async def blacklist_of(self, vendor_ids: Iterable[UUID]) -> dict[UUID, list[BlacklistEntry]]:
        return await blacklist_of(self.session, vendor_ids)

    async def record_blacklisting(self, entry: VendorBlacklisted) -> None:
        """Keep the entry; fill in only a row a lift created first (idempotent by entry id)."""
        values = {
            "vendor_id": entry.vendor_id,
            "vendor_name": entry.vendor_name,
            "reason": entry.reason,
            "decree_reference": entry.decree_reference,
            "starts_on": entry.starts_on,
            "ends_on": entry.ends_on,
            "recorded_at": entry.recorded_at,
        }
        statement = pg_insert(blacklist_entries).values(entry_id=entry.entry_id, **values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[blacklist_entries.c.entry_id],
                set_=values,
                where=blacklist_entries.c.starts_on.is_(None),
            )
        )

    async def record_lift(self, lift: VendorBlacklistLifted) -> None:
        """The entry stops barring the vendor from ``lifted_at`` on; the first lift counts."""
        table = blacklist_entries
        statement = pg_insert(table).values(
            entry_id=lift.entry_id,
            vendor_id=lift.vendor_id,
            lifted_at=lift.lifted_at,
            lift_reason=lift.reason,
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.entry_id],
                set_={
                    "lifted_at": func.coalesce(table.c.lifted_at, statement.excluded.lifted_at),
                    "lift_reason": func.coalesce(
                        table.c.lift_reason, statement.excluded.lift_reason
                    ),
                },
            )
        )
