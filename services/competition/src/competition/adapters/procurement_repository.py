"""Loading and saving purchase requests and competitions (rows ↔ domain objects)."""

import copy
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    Select,
    Table,
    Text,
    Uuid,
    all_,
    and_,
    bindparam,
    cast,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncConnection

from competition.adapters.tables import competitions, purchase_requests, spine
from competition.application.ports import WorkFilter
from competition.domain.competition import Competition, CompetitionItem
from competition.domain.purchase_request import Official, PurchaseRequest, RequestItem
from epurchasing_shared.direct import Direct, execute, fetch, fetchrow


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
    *,
    purchase_request_id: UUID | None,
) -> Select[Any]:
    """One keyset page of competitions, newest first (``SqlCompetitions.page``)."""
    table = competitions
    query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
    query = with_work_filter(query, table, work)
    if purchase_request_id is not None:  # ix_competitions_purchase_request_id: a few at most
        query = query.where(table.c.purchase_request_id == purchase_request_id)
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


# The statements of a load, an addition and a save, built once (values bound at execution):
# building them per call cost more CPU than running them, and they run on the driver directly
# (epurchasing_shared.direct: SQLAlchemy's execution was a quarter of the service's CPU).
_REQUEST_KEY = bindparam("request_key", type_=Uuid)
_REQUEST = select(purchase_requests).where(purchase_requests.c.id == _REQUEST_KEY)
_LOAD_REQUEST = Direct(_REQUEST)
_LOAD_REQUEST_FOR_UPDATE = Direct(_REQUEST.with_for_update())
_ADD_REQUEST = Direct(insert(purchase_requests))  # every column given (request_row)
_REQUEST_SET = [c.name for c in purchase_requests.c if c.name not in ("id", "created_at")]
_SAVE_REQUEST = Direct(
    update(purchase_requests)
    .where(purchase_requests.c.id == _REQUEST_KEY)
    .values({name: bindparam(f"set_{name}") for name in _REQUEST_SET})
)


def _set(names: list[str], values: dict[str, Any]) -> dict[str, Any]:
    return {f"set_{name}": values[name] for name in names}


async def load_request(
    session: AsyncConnection, request_id: UUID, for_update: bool = False
) -> PurchaseRequest | None:
    query = _LOAD_REQUEST_FOR_UPDATE if for_update else _LOAD_REQUEST
    found = await fetchrow(session, query, {"request_key": request_id})
    return request_from_row(found) if found else None


async def add_request(session: AsyncConnection, request: PurchaseRequest, now: datetime) -> None:
    await execute(
        session, _ADD_REQUEST, request_row(request) | {"created_at": now, "updated_at": now}
    )


async def save_request(session: AsyncConnection, request: PurchaseRequest, now: datetime) -> None:
    values = request_row(request) | {"updated_at": now}
    await execute(session, _SAVE_REQUEST, {"request_key": request.id} | _set(_REQUEST_SET, values))


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


_COMPETITION_KEY = bindparam("competition_key", type_=Uuid)
_COMPETITION = select(competitions).where(competitions.c.id == _COMPETITION_KEY)
_LOAD_COMPETITION = Direct(_COMPETITION)
_LOAD_COMPETITION_FOR_UPDATE = Direct(_COMPETITION.with_for_update())
_OF_PACKAGE = Direct(
    select(competitions).where(competitions.c.package_id == bindparam("package_key"))
)
_OF_REQUEST = Direct(
    select(competitions).where(competitions.c.purchase_request_id == bindparam("request_key"))
)
_HISTORY_AGGREGATES = Direct(
    select(spine.history.c.aggregate_id)
    .where(spine.history.c.procurement_id == bindparam("procurement_key"))
    .distinct()
)
_RANKING = Direct(select(competitions.c.ranking).where(competitions.c.id == _COMPETITION_KEY))
# A new competition has no ranking yet: the insert leaves the column out (NULL), as
# SQLAlchemy's did when given the values without it.
_COMPETITION_ADDED = [c.name for c in competitions.c if c.name != "ranking"]
_ADD_COMPETITION = Direct(
    insert(competitions).values({name: bindparam(name) for name in _COMPETITION_ADDED})
)
_COMPETITION_SET = [c.name for c in competitions.c if c.name not in ("id", "created_at", "ranking")]
_UPDATE_COMPETITION = (
    update(competitions)
    .where(competitions.c.id == _COMPETITION_KEY)
    .values({name: bindparam(f"set_{name}") for name in _COMPETITION_SET})
)
_SAVE_COMPETITION = Direct(_UPDATE_COMPETITION)
_SAVE_COMPETITION_RANKING = Direct(_UPDATE_COMPETITION.values(ranking=bindparam("set_ranking")))
# One open competition past its deadline that no one else holds (SKIP LOCKED), none of those
# to ``skip`` (``<> ALL``, one SQL text whatever their number; an empty array skips none).
_CLAIM_DUE = Direct(
    select(competitions)
    .where(
        competitions.c.state == "open",
        competitions.c.offer_deadline <= bindparam("now"),
        competitions.c.id != all_(bindparam("skip", type_=ARRAY(Uuid))),
    )
    .order_by(competitions.c.offer_deadline, competitions.c.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


async def competition_and_ranking(
    session: AsyncConnection, competition_id: UUID, for_update: bool = False
) -> tuple[Competition, list[dict[str, Any]]] | None:
    """The competition and its stored ranking (the row holds both)."""
    query = _LOAD_COMPETITION_FOR_UPDATE if for_update else _LOAD_COMPETITION
    row = await fetchrow(session, query, {"competition_key": competition_id})
    return (competition_from_row(row), list(row["ranking"] or [])) if row else None


async def load_competition(
    session: AsyncConnection, competition_id: UUID, for_update: bool = False
) -> Competition | None:
    found = await competition_and_ranking(session, competition_id, for_update)
    return found[0] if found else None


async def competition_of_package(session: AsyncConnection, package_id: UUID) -> Competition | None:
    """The competition that generated ``package_id`` (step 13), if any."""
    found = await fetchrow(session, _OF_PACKAGE, {"package_key": package_id})
    return competition_from_row(found) if found else None


async def competitions_of_request(session: AsyncConnection, request_id: UUID) -> list[Competition]:
    """Every competition run for the purchase request."""
    rows = await fetch(session, _OF_REQUEST, {"request_key": request_id})
    return [competition_from_row(row) for row in rows]


async def history_aggregate_ids(session: AsyncConnection, procurement_id: UUID) -> set[UUID]:
    """The aggregates the procurement's history has entries of."""
    rows = await fetch(session, _HISTORY_AGGREGATES, {"procurement_key": procurement_id})
    return {row[0] for row in rows}


async def load_ranking(session: AsyncConnection, competition_id: UUID) -> list[dict[str, Any]]:
    row = await fetchrow(session, _RANKING, {"competition_key": competition_id})
    return list(row[0] or []) if row else []


async def add_competition(
    session: AsyncConnection, competition: Competition, now: datetime
) -> None:
    values = competition_row(competition) | {"created_at": now, "updated_at": now}
    await execute(session, _ADD_COMPETITION, values)


async def save_competition(
    session: AsyncConnection,
    competition: Competition,
    now: datetime,
    ranking: list[dict[str, Any]] | None = None,
) -> None:
    values = competition_row(competition) | {"updated_at": now}
    params = {"competition_key": competition.id} | _set(_COMPETITION_SET, values)
    if ranking is None:
        await execute(session, _SAVE_COMPETITION, params)
    else:
        await execute(session, _SAVE_COMPETITION_RANKING, params | {"set_ranking": ranking})


T = TypeVar("T")


class Loaded(Generic[T]):
    """The rows of one kind a unit of work has read or written, as domain objects: a second
    load of one gets a copy of what the first read (or the last save wrote) instead of
    reading it again; a load that wants the lock reads it unless the unit of work holds it
    already (a locked read, or a write)."""

    def __init__(self) -> None:
        self._rows: dict[UUID, tuple[T, bool]] = {}

    def get(self, key: UUID, for_update: bool) -> T | None:
        found = self._rows.get(key)
        if found is None or (for_update and not found[1]):
            return None
        return copy.deepcopy(found[0])

    def keep(self, key: UUID, value: T, locked: bool) -> T:
        held = key in self._rows and self._rows[key][1]
        self._rows[key] = (copy.deepcopy(value), locked or held)
        return value


class SqlPurchaseRequests:
    """The purchase requests of one unit of work's session."""

    def __init__(self, session: AsyncConnection) -> None:
        self.session = session
        self._loaded: Loaded[PurchaseRequest] = Loaded()

    async def get(self, request_id: UUID, for_update: bool = False) -> PurchaseRequest | None:
        known = self._loaded.get(request_id, for_update)
        if known is not None:
            return known
        found = await load_request(self.session, request_id, for_update)
        return self._loaded.keep(request_id, found, for_update) if found else None

    async def add(self, request: PurchaseRequest, now: datetime) -> None:
        await add_request(self.session, request, now)
        self._loaded.keep(request.id, request, locked=True)

    async def save(self, request: PurchaseRequest, now: datetime) -> None:
        await save_request(self.session, request, now)
        self._loaded.keep(request.id, request, locked=True)

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
        self._loaded: Loaded[Competition] = Loaded()
        self._rankings: dict[UUID, list[dict[str, Any]]] = {}  # as read or saved

    def _keep(
        self, competition: Competition, ranking: list[dict[str, Any]] | None, locked: bool
    ) -> Competition:
        if ranking is not None:
            self._rankings[competition.id] = copy.deepcopy(ranking)
        return self._loaded.keep(competition.id, competition, locked)

    async def get(self, competition_id: UUID, for_update: bool = False) -> Competition | None:
        known = self._loaded.get(competition_id, for_update)
        if known is not None:
            return known
        found = await competition_and_ranking(self.session, competition_id, for_update)
        return self._keep(*found, locked=for_update) if found else None

    async def add(self, competition: Competition, now: datetime) -> None:
        await add_competition(self.session, competition, now)
        self._keep(competition, [], locked=True)

    async def save(
        self,
        competition: Competition,
        now: datetime,
        ranking: list[dict[str, Any]] | None = None,
    ) -> None:
        await save_competition(self.session, competition, now, ranking)
        self._keep(competition, ranking, locked=True)

    async def of_package(self, package_id: UUID) -> Competition | None:
        return await competition_of_package(self.session, package_id)

    async def of_request(self, request_id: UUID) -> list[Competition]:
        return await competitions_of_request(self.session, request_id)

    async def ranking(self, competition_id: UUID) -> list[dict[str, Any]]:
        """The stored ranking: the one read with the competition (or saved) in this unit of
        work, or read now."""
        if competition_id not in self._rankings:
            self._rankings[competition_id] = await load_ranking(self.session, competition_id)
        return copy.deepcopy(self._rankings[competition_id])

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
        """Newest first before the cursor, of a work unit or open to a vendor if named, in
        ``state`` if named, by their open turn if ``work`` says so, of one purchase request
        if ``purchase_request_id`` names it."""
        query = competition_page_query(
            limit, after, work_unit, vendor_id, state, work, purchase_request_id=purchase_request_id
        )
        rows = (await self.session.execute(query)).mappings().all()
        return [(competition_from_row(row), row["created_at"]) for row in rows]

    async def claim_due(self, now: datetime, skip: Sequence[UUID] = ()) -> Competition | None:
        """Lock one open competition past its deadline that no one else holds (SKIP LOCKED:
        replicas never wait for, nor evaluate, a competition another one holds)."""
        found = await fetchrow(self.session, _CLAIM_DUE, {"now": now, "skip": list(skip)})
        if found is None:
            return None
        return self._keep(competition_from_row(found), list(found["ranking"] or []), locked=True)

    async def history_aggregate_ids(self, procurement_id: UUID) -> set[UUID]:
        return await history_aggregate_ids(self.session, procurement_id)
