"""Vendors, categories, products, offers and the blacklist copy (rows ↔ domain objects)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters.tables import blacklist_entries, categories, offers, products, vendors
from competition.domain.blacklist import BlacklistEntry
from competition.domain.offers import CatalogueProduct, Offer, OfferLine, OfferTerms


def product_from_row(row: Any) -> CatalogueProduct:
    return CatalogueProduct(
        id=row["id"],
        vendor_id=row["vendor_id"],
        category=row["category"],
        name=row["name"],
        unit=row["unit"],
        unit_price=row["unit_price"],
    )


async def ensure_category(session: AsyncSession, code: str, now: datetime) -> None:
    await session.execute(
        pg_insert(categories).values(code=code, created_at=now).on_conflict_do_nothing()
    )


async def vendor_by_email(session: AsyncSession, email: str) -> Any:
    query = select(vendors).where(func.lower(vendors.c.email) == email.lower())
    return (await session.execute(query)).mappings().first()


async def vendor_by_id(session: AsyncSession, vendor_id: UUID) -> Any:
    return (
        (await session.execute(select(vendors).where(vendors.c.id == vendor_id))).mappings().first()
    )


async def vendors_by_ids(session: AsyncSession, ids: Iterable[UUID]) -> dict[UUID, Any]:
    rows = (await session.execute(select(vendors).where(vendors.c.id.in_(list(ids))))).mappings()
    return {row["id"]: row for row in rows}


async def add_vendor(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(vendors).values(**values))


async def add_product(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(products).values(**values))


async def products_by_ids(
    session: AsyncSession, ids: Iterable[UUID]
) -> dict[UUID, CatalogueProduct]:
    query = select(products).where(products.c.id.in_(list(ids)))
    return {row["id"]: product_from_row(row) for row in (await session.execute(query)).mappings()}


async def products_in_category(session: AsyncSession, category: str) -> list[CatalogueProduct]:
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
    session: AsyncSession, competition_id: UUID, vendor_id: UUID, for_update: bool = False
) -> Offer | None:
    query = select(offers).where(
        and_(offers.c.competition_id == competition_id, offers.c.vendor_id == vendor_id)
    )
    result = await session.execute(query.with_for_update() if for_update else query)
    row = result.mappings().first()
    return offer_from_row(row) if row else None


async def live_offers(session: AsyncSession, competition_id: UUID) -> list[Offer]:
    """The latest revision of every offer not withdrawn."""
    query = select(offers).where(
        offers.c.competition_id == competition_id, offers.c.withdrawn_at.is_(None)
    )
    return [offer_from_row(row) for row in (await session.execute(query)).mappings()]


async def count_live_offers(session: AsyncSession, competition_id: UUID) -> int:
    """How many offers (not withdrawn) the competition holds: all a sealed view may tell."""
    query = select(func.count()).where(
        offers.c.competition_id == competition_id, offers.c.withdrawn_at.is_(None)
    )
    return int(await session.scalar(query) or 0)


async def offer_ids_of(session: AsyncSession, competition_ids: Iterable[UUID]) -> set[UUID]:
    """The ids of every offer (withdrawn ones too) made in these competitions."""
    query = select(offers.c.id).where(offers.c.competition_id.in_(list(competition_ids)))
    return set((await session.scalars(query)).all())


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


async def save_offer(session: AsyncSession, offer: Offer, price: int, exists: bool) -> None:
    values = _terms_values(offer.terms) | {
        "evaluated_price": price,
        "revision": offer.revision,
        "submitted_at": offer.submitted_at,
        "withdrawn_at": None,
    }
    if exists:
        await session.execute(update(offers).where(offers.c.id == offer.id).values(**values))
    else:
        await session.execute(
            insert(offers).values(
                id=offer.id,
                competition_id=offer.competition_id,
                vendor_id=offer.vendor_id,
                **values,
            )
        )


async def withdraw_offer_row(session: AsyncSession, offer_id: UUID, at: datetime) -> None:
    await session.execute(update(offers).where(offers.c.id == offer_id).values(withdrawn_at=at))


def entry_from_row(row: Any) -> BlacklistEntry:
    return BlacklistEntry(
        entry_id=row["entry_id"],
        vendor_id=row["vendor_id"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        lifted_at=row["lifted_at"],
    )


async def blacklist_of(
    session: AsyncSession, vendor_ids: Iterable[UUID]
) -> dict[UUID, list[BlacklistEntry]]:
    query = select(blacklist_entries).where(blacklist_entries.c.vendor_id.in_(list(vendor_ids)))
    found: dict[UUID, list[BlacklistEntry]] = defaultdict(list)
    for row in (await session.execute(query)).mappings():
        found[row["vendor_id"]].append(entry_from_row(row))
    return found
