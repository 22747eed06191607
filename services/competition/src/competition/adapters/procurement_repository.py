"""Loading and saving purchase requests and competitions (rows ↔ domain objects)."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Select,
    Table,
    Text,
    and_,
    cast,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.tables import competitions, purchase_requests, spine
from competition.application.ports import WorkFilter
from competition.domain.competition import Competition, CompetitionItem
from competition.domain.purchase_request import Official, PurchaseRequest, RequestItem


def with_work_filter(query: Select[Any], table: Table, work: WorkFilter | None) -> Select[Any]:
    """``query`` of ``table`` (a purchase request or competition per row) narrowed by its open
    turn: a left join on the spine's ``turns`` by aggregate id among the open turns (the
    partial unique index ``ux_turns_open_aggregate``), so the keyset order stays the
    table's own."""
    if work is None or not work.active:
        return query
    turns = spine.turns
    query = query.select_from(
        table.outerjoin(turns, and_(turns.c.aggregate_id == table.c.id, turns.c.done_at.is_(None)))
    )
    if work.overdue is True:
        query = query.where(turns.c.due_at < work.now)
    elif work.overdue is False:
        query = query.where(or_(turns.c.id.is_(None), turns.c.due_at >= work.now))
    if work.mine is not None:
        mine = work.mine
        held = turns.c.actor_id == mine.actor_id
        if mine.work_unit is not None:
            held = or_(held, and_(turns.c.actor_id.is_(None), turns.c.work_unit == mine.work_unit))
        query = query.where(turns.c.actor_role == mine.role, held)
    return query


def request_page_query(
    limit: int,
    after: tuple[datetime, UUID] | None = None,
    state: str | None = None,
    buyer: tuple[str | None, str] | None = None,
    work: WorkFilter | None = None,
) -> Select[Any]:
    """One keyset page of purchase requests, oldest first (``SqlPurchaseRequests.page``).

    A buyer's page is "of the work unit, or addressed to the official": two keyset walks,
    each on its own index in the page's order (``ix_purchase_requests_work_unit_created``, and
    ``ix_purchase_requests_official_created`` for those of other work units), merged and cut
    to the page; an OR of the two would read every request of the work unit and sort them."""
    table = purchase_requests

    def walk(*conditions: Any) -> Select[Any]:
        query = with_work_filter(select(table), table, work).where(*conditions)
        if state:
            query = query.where(table.c.state == state)
        if after is not None:
            query = query.where(tuple_(table.c.created_at, table.c.id) > tuple_(*after))
        return query.order_by(table.c.created_at, table.c.id).limit(limit)

    if buyer is None:
        return walk()
    work_unit, official_id = buyer
    # Disjoint (the second leaves the work unit's out), so UNION ALL: no de-duplication.
    both = union_all(
        walk(table.c.work_unit == work_unit),
        walk(table.c.official_id == official_id, table.c.work_unit != work_unit),
    ).subquery("buyer_requests")
    return select(both).order_by(both.c.created_at, both.c.id).limit(limit)


def competition_page_query(
    limit: int,
    after: tuple[datetime, UUID] | None = None,
    work_unit: str | None = None,
    vendor_id: UUID | None = None,
    state: str | None = None,
    work: WorkFilter | None = None,
) -> Select[Any]:
    """One keyset page of competitions, newest first (``SqlCompetitions.page``)."""
    table = competitions
    query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
    query = with_work_filter(query, table, work)
    if state is not None:
        query = query.where(table.c.state == state)
    if work_unit is not None:
        query = query.where(table.c.work_unit == work_unit)
    if vendor_id is not None:
        # eligible_vendor_ids @> '["<id>"]' (ix_competitions_eligible_vendor_ids, GIN)
        eligible = cast(literal(json.dumps([str(vendor_id)]), Text), JSONB)
        query = query.where(table.c.eligible_vendor_ids.contains(eligible))
    if after is not None:
        query = query.where(tuple_(table.c.created_at, table.c.id) < tuple_(*after))
    return query


def _item_row(item: RequestItem) -> dict[str, Any]:
    return {
        "category": item.category,
        "description": item.description,
        "quantity": item.quantity,
        "unit": item.unit,
        "product_id": str(item.product_id) if item.product_id else None,
    }


def request_row(request: PurchaseRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "work_unit": request.work_unit,
        "ppk_id": request.ppk_id,
        "ppk_name": request.ppk_name,
        "ppk_email": request.ppk_email,
        "official_id": request.official.id if request.official else None,
        "official_name": request.official.name if request.official else None,
        "official_email": request.official.email if request.official else None,
        "rup_code": request.rup_code,
        "fiscal_year": request.fiscal_year,
        "dpa_number": request.dpa_number,
        "pagu": request.pagu,
        "title": request.title,
        "specification": request.specification,
        "items": [_item_row(item) for item in request.items],
        "delivery_address": request.delivery_address,
        "delivery_date": request.delivery_date,
        "state": request.state,
        "version": request.version,
        "document_kinds": sorted(request.document_kinds),
        "return_reason": request.return_reason,
    }


def request_from_row(row: Any) -> PurchaseRequest:
    official = (
        Official(row["official_id"], row["official_name"], row["official_email"])
        if row["official_id"]
        else None
    )
    return PurchaseRequest(
        id=row["id"],
        work_unit=row["work_unit"],
        ppk_id=row["ppk_id"],
        ppk_name=row["ppk_name"],
        ppk_email=row["ppk_email"],
        rup_code=row["rup_code"],
        fiscal_year=row["fiscal_year"],
        dpa_number=row["dpa_number"],
        pagu=row["pagu"],
        title=row["title"],
        specification=row["specification"],
        items=[
            RequestItem(
                category=i["category"],
                description=i["description"],
                quantity=i["quantity"],
                unit=i["unit"],
                product_id=UUID(i["product_id"]) if i.get("product_id") else None,
            )
            for i in row["items"]
        ],
        delivery_address=row["delivery_address"],
        delivery_date=row["delivery_date"],
        official=official,
        state=row["state"],
        version=row["version"],
        document_kinds=set(row["document_kinds"]),
        return_reason=row["return_reason"],
    )


async def load_request(
    session: AsyncConnection, request_id: UUID, for_update: bool = False
) -> PurchaseRequest | None:
    query = select(purchase_requests).where(purchase_requests.c.id == request_id)
    row = (await session.execute(query.with_for_update() if for_update else query)).mappings()
    found = row.first()
    return request_from_row(found) if found else None


async def add_request(session: AsyncConnection, request: PurchaseRequest, now: datetime) -> None:
    await session.execute(
        insert(purchase_requests).values(**request_row(request), created_at=now, updated_at=now)
    )


async def save_request(session: AsyncConnection, request: PurchaseRequest, now: datetime) -> None:
    await session.execute(
        update(purchase_requests)
        .where(purchase_requests.c.id == request.id)
        .values(**request_row(request), updated_at=now)
    )


def competition_row(competition: Competition) -> dict[str, Any]:
    return {
        "id": competition.id,
        "purchase_request_id": competition.purchase_request_id,
        "work_unit": competition.work_unit,
        "kind": competition.kind,
        "category": competition.category,
        "product_id": competition.product_id,
        "product_name": competition.product_name,
        "items": [vars(item) for item in competition.items],
        "pagu": competition.pagu,
        "delivery_deadline": competition.delivery_deadline,
        "offer_deadline": competition.offer_deadline,
        "state": competition.state,
        "version": competition.version,
        "eligible_vendor_ids": [str(v) for v in competition.eligible_vendor_ids],
        "outcome": competition.outcome,
        "failure_reason": competition.failure_reason,
        "package_id": competition.package_id,
    }


def competition_from_row(row: Any) -> Competition:
    return Competition(
        id=row["id"],
        purchase_request_id=row["purchase_request_id"],
        work_unit=row["work_unit"],
        kind=row["kind"],
        category=row["category"],
        items=[CompetitionItem(**item) for item in row["items"]],
        pagu=row["pagu"],
        delivery_deadline=row["delivery_deadline"],
        product_id=row["product_id"],
        product_name=row["product_name"],
        offer_deadline=row["offer_deadline"],
        state=row["state"],
        version=row["version"],
        eligible_vendor_ids=[UUID(v) for v in row["eligible_vendor_ids"]],
        outcome=row["outcome"],
        failure_reason=row["failure_reason"],
        package_id=row["package_id"],
    )


async def load_competition(
    session: AsyncConnection, competition_id: UUID, for_update: bool = False
) -> Competition | None:
    query = select(competitions).where(competitions.c.id == competition_id)
    result = await session.execute(query.with_for_update() if for_update else query)
    found = result.mappings().first()
    return competition_from_row(found) if found else None


async def competition_of_package(session: AsyncConnection, package_id: UUID) -> Competition | None:
    """The competition that generated ``package_id`` (step 13), if any."""
    query = select(competitions).where(competitions.c.package_id == package_id)
    found = (await session.execute(query)).mappings().first()
    return competition_from_row(found) if found else None


async def competitions_of_request(session: AsyncConnection, request_id: UUID) -> list[Competition]:
    """Every competition run for the purchase request."""
    query = select(competitions).where(competitions.c.purchase_request_id == request_id)
    return [competition_from_row(row) for row in (await session.execute(query)).mappings()]


async def history_aggregate_ids(session: AsyncConnection, procurement_id: UUID) -> set[UUID]:
    """The aggregates the procurement's history has entries of."""
    history = spine.history
    query = select(history.c.aggregate_id).where(history.c.procurement_id == procurement_id)
    return set((await session.scalars(query.distinct())).all())


async def load_ranking(session: AsyncConnection, competition_id: UUID) -> list[dict[str, Any]]:
    ranking = await session.scalar(
        select(competitions.c.ranking).where(competitions.c.id == competition_id)
    )
    return list(ranking or [])


async def add_competition(
    session: AsyncConnection, competition: Competition, now: datetime
) -> None:
    await session.execute(
        insert(competitions).values(**competition_row(competition), created_at=now, updated_at=now)
    )


async def save_competition(
    session: AsyncConnection,
    competition: Competition,
    now: datetime,
    ranking: list[dict[str, Any]] | None = None,
) -> None:
    values = competition_row(competition) | {"updated_at": now}
    if ranking is not None:
        values["ranking"] = ranking
    await session.execute(
        update(competitions).where(competitions.c.id == competition.id).values(**values)
    )


class SqlPurchaseRequests:
    """The purchase requests of one unit of work's session."""

    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def get(self, request_id: UUID, for_update: bool = False) -> PurchaseRequest | None:
        return await load_request(self.session, request_id, for_update)

    async def add(self, request: PurchaseRequest, now: datetime) -> None:
        await add_request(self.session, request, now)

    async def save(self, request: PurchaseRequest, now: datetime) -> None:
        await save_request(self.session, request, now)

    async def page(
        self,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
        state: str | None = None,
        buyer: tuple[str | None, str] | None = None,
        work: WorkFilter | None = None,
    ) -> list[tuple[PurchaseRequest, datetime]]:
        """Oldest first after the cursor; ``buyer`` (work unit, official id) narrows to the
        requests of the work unit or addressed to the official (None: all of them); ``work``
        by their open turn."""
        query = request_page_query(limit, after, state, buyer, work)
        rows = (await self.session.execute(query)).mappings().all()
        return [(request_from_row(row), row["created_at"]) for row in rows]


class SqlCompetitions:
    """The competitions of one unit of work's session."""

    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def get(self, competition_id: UUID, for_update: bool = False) -> Competition | None:
        return await load_competition(self.session, competition_id, for_update)

    async def add(self, competition: Competition, now: datetime) -> None:
        await add_competition(self.session, competition, now)

    async def save(
        self,
        competition: Competition,
        now: datetime,
        ranking: list[dict[str, Any]] | None = None,
    ) -> None:
        await save_competition(self.session, competition, now, ranking)

    async def of_package(self, package_id: UUID) -> Competition | None:
        return await competition_of_package(self.session, package_id)

    async def of_request(self, request_id: UUID) -> list[Competition]:
        return await competitions_of_request(self.session, request_id)

    async def ranking(self, competition_id: UUID) -> list[dict[str, Any]]:
        return await load_ranking(self.session, competition_id)

    async def page(
        self,
        limit: int,
        after: tuple[datetime, UUID] | None = None,
        work_unit: str | None = None,
        vendor_id: UUID | None = None,
        state: str | None = None,
        work: WorkFilter | None = None,
    ) -> list[tuple[Competition, datetime]]:
        """Newest first before the cursor, of a work unit or open to a vendor if named, in
        ``state`` if named, by their open turn if ``work`` says so."""
        query = competition_page_query(limit, after, work_unit, vendor_id, state, work)
        rows = (await self.session.execute(query)).mappings().all()
        return [(competition_from_row(row), row["created_at"]) for row in rows]

    async def claim_due(self, now: datetime, skip: Sequence[UUID] = ()) -> Competition | None:
        """Lock one open competition past its deadline that no one else holds (SKIP LOCKED:
        replicas never wait for, nor evaluate, a competition another one holds)."""
        query = (
            select(competitions)
            .where(competitions.c.state == "open", competitions.c.offer_deadline <= now)
            .order_by(competitions.c.offer_deadline, competitions.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if skip:
            query = query.where(competitions.c.id.not_in(list(skip)))
        found = (await self.session.execute(query)).mappings().first()
        return competition_from_row(found) if found else None

    async def history_aggregate_ids(self, procurement_id: UUID) -> set[UUID]:
        return await history_aggregate_ids(self.session, procurement_id)
