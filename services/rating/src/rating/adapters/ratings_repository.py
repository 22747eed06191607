"""Ratings and vendor reviews in PostgreSQL: the SQL side of the use cases' repositories."""

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy import Select, Uuid, and_, bindparam, false, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.direct import Direct, execute, fetchone, fetchrow
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.turns import turn_from_row
from rating.adapters.tables import ratings, spine, vendor_reviews
from rating.application.ports import After
from rating.application.visibility import turn_holder
from rating.domain.rating import PENDING, CompletedPackage, Rating
from rating.domain.scheme import WeightedResult

_PACKAGE_FIELDS = (
    "procurement_id",
    "package_id",
    "order_id",
    "order_number",
    "vendor_id",
    "vendor_name",
    "ppk_id",
    "ppk_name",
    "work_unit",
    "on_time",
    "completed_at",
)


def _to_row(rating: Rating) -> dict[str, Any]:
    package = {name: getattr(rating.package, name) for name in _PACKAGE_FIELDS}
    result = rating.result
    return package | {
        "id": rating.id,
        "opened_at": rating.opened_at,
        "state": rating.state,
        "version": rating.version,
        "scores": rating.scores or None,
        "weights": rating.weights or None,
        "scale_min": rating.scale_min,
        "scale_max": rating.scale_max,
        "weighted_points": result.points if result else None,
        "weight_total": result.weight_total if result else None,
        "comment": rating.comment,
        "rated_at": rating.rated_at,
        "reply": rating.reply,
        "replied_at": rating.replied_at,
        "replied_by": rating.replied_by,
    }


def _from_row(row: RowMapping | asyncpg.Record) -> Rating:
    result = (
        WeightedResult(row["weighted_points"], row["weight_total"])
        if row["weighted_points"] is not None
        else None
    )
    return Rating(
        id=row["id"],
        package=CompletedPackage(**{name: row[name] for name in _PACKAGE_FIELDS}),
        opened_at=row["opened_at"],
        state=row["state"],
        version=row["version"],
        scores=dict(row["scores"] or {}),
        weights=dict(row["weights"] or {}),
        scale_min=row["scale_min"],
        scale_max=row["scale_max"],
        result=result,
        comment=row["comment"],
        rated_at=row["rated_at"],
        reply=row["reply"],
        replied_at=row["replied_at"],
        replied_by=row["replied_by"],
    )


def visible_filter(principal: Principal) -> Any:
    """The SQL twin of :func:`rating.application.visibility.may_see`."""
    if principal.reads_everything:
        return ratings.c.id.is_not(None)
    if principal.role is Role.PPK:
        return or_(ratings.c.state != PENDING, ratings.c.ppk_id == principal.sub)
    return ratings.c.state != PENDING


turns = spine.turns
# The rating's open turn (at most one: the unique partial index ux_turns_open_aggregate).
_OPEN_TURN = and_(turns.c.aggregate_id == ratings.c.id, turns.c.done_at.is_(None))
_TURN_COLUMNS = [column.label(f"turn_{column.name}") for column in turns.c]


def _turn_of(row: RowMapping | asyncpg.Record) -> Turn | None:
    if row["turn_id"] is None:
        return None
    return turn_from_row({name: row[f"turn_{name}"] for name in Turn.__dataclass_fields__})


def my_turn_filter(principal: Principal) -> Any:
    """The SQL twin of :func:`rating.application.visibility.is_my_turn` (on the joined open
    turn): each branch is served by an index on turns (ix_turns_actor, ix_turns_work_unit)."""
    role, holder = principal.role.value, turn_holder(principal)
    named = (
        and_(turns.c.actor_role == role, turns.c.actor_id == holder)
        if holder is not None
        else false()
    )
    if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit:
        unnamed = and_(
            turns.c.work_unit == principal.work_unit,
            turns.c.actor_role == role,
            turns.c.actor_id.is_(None),
        )
        return or_(named, unnamed)
    return named


def page_query(
    viewer: Principal,
    *,
    vendor_id: UUID | None,
    procurement_id: UUID | None,
    state: str | None,
    overdue: bool | None,
    mine: bool,
    now: datetime,
    limit: int,
    after: After,
) -> Select:
    """One keyset page of ratings (by opened_at, id: index ix_ratings_opened, or within a
    vendor's or a state's, ix_ratings_vendor_opened and ix_ratings_state_opened) left-joined
    to their open turn (ux_turns_open_aggregate); ``mine`` and ``overdue`` filter on that
    turn."""
    query = (
        select(ratings, *_TURN_COLUMNS)
        .select_from(ratings.outerjoin(turns, _OPEN_TURN))
        .where(visible_filter(viewer))
    )
    if vendor_id is not None:
        query = query.where(ratings.c.vendor_id == vendor_id)
    if procurement_id is not None:  # ix_ratings_procurement_id: one rating at most
        query = query.where(ratings.c.procurement_id == procurement_id)
    if state is not None:
        query = query.where(ratings.c.state == state)
    if overdue is True:
        query = query.where(turns.c.due_at < now)  # no open turn: NULL, not overdue
    elif overdue is False:
        query = query.where(or_(turns.c.id.is_(None), turns.c.due_at >= now))
    if mine:
        query = query.where(my_turn_filter(viewer))
    if after is not None:  # a row comparison: the index walk starts at the cursor
        query = query.where(tuple_(ratings.c.opened_at, ratings.c.id) > tuple_(*after))
    return query.order_by(ratings.c.opened_at, ratings.c.id).limit(limit)


# The statements of a rating's load, save and opening, and of a vendor's review flag, built
# once (values bound at execution): building them per call cost more CPU than running them
# (docs/performance.md). Every rating runs them, so they are sent to the driver directly
# (epurchasing_shared.direct), past SQLAlchemy's execution layer; an insert compiled once
# takes every column of its table, each given by ``_to_row`` (or by the caller).
_KEY = bindparam("rating_key", type_=Uuid)
_get = select(ratings).where(ratings.c.id == _KEY)
_GET = Direct(_get)
_GET_FOR_UPDATE = Direct(_get.with_for_update())
_GET_WITH_TURN = Direct(
    select(ratings, *_TURN_COLUMNS)
    .select_from(ratings.outerjoin(turns, _OPEN_TURN))
    .where(ratings.c.id == _KEY)
)
_FOR_PROCUREMENT = Direct(
    select(ratings)
    .where(
        ratings.c.procurement_id == bindparam("procurement_key"),
        ratings.c.ppk_id == bindparam("ppk_key"),
    )
    .order_by((ratings.c.state == PENDING).desc(), ratings.c.opened_at.desc())
    .limit(1)
    .with_for_update()
)
_OPEN = Direct(
    insert(ratings).on_conflict_do_nothing(index_elements=["package_id"]).returning(ratings.c.id)
)
_SET = [column.name for column in ratings.c if column.name != "id"]
_SAVE = Direct(
    update(ratings)
    .where(ratings.c.id == _KEY)
    .values({name: bindparam(f"set_{name}") for name in _SET})
)
# A vendor's review row, locked (made first if it is the vendor's first rating): the no-op
# update of an upsert takes the row's lock and returns it, in one statement.
_review = insert(vendor_reviews)
_LOCK_REVIEW = Direct(
    _review.on_conflict_do_update(
        index_elements=["vendor_id"], set_={"vendor_id": _review.excluded.vendor_id}
    ).returning(vendor_reviews.c.below_threshold)
)
_SET_BELOW = Direct(
    update(vendor_reviews)
    .where(vendor_reviews.c.vendor_id == bindparam("vendor_key"))
    .values(below_threshold=bindparam("set_below"), changed_at=bindparam("set_at"))
)


class SqlRatings:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def open_if_new(self, rating: Rating) -> bool:
        """Insert a pending rating unless its package already has one; True if inserted."""
        return await fetchrow(self.session, _OPEN, _to_row(rating)) is not None

    async def get(self, rating_id: UUID, *, for_update: bool = False) -> Rating | None:
        return await self._one(_GET_FOR_UPDATE if for_update else _GET, {"rating_key": rating_id})

    async def get_with_turn(self, rating_id: UUID) -> tuple[Rating, Turn | None] | None:
        """The rating and its open turn, in one read (as committed: for a read)."""
        row = await fetchrow(self.session, _GET_WITH_TURN, {"rating_key": rating_id})
        return (_from_row(row), _turn_of(row)) if row else None

    async def for_procurement(self, procurement_id: UUID, ppk_id: str) -> Rating | None:
        """The PPK's rating of a procurement's completed package (the unrated one first)."""
        params = {"procurement_key": procurement_id, "ppk_key": ppk_id}
        return await self._one(_FOR_PROCUREMENT, params)

    async def save(self, rating: Rating) -> None:
        values = _to_row(rating)
        params = {"rating_key": rating.id} | {f"set_{name}": values[name] for name in _SET}
        await execute(self.session, _SAVE, params)

    async def page(
        self,
        viewer: Principal,
        *,
        vendor_id: UUID | None,
        procurement_id: UUID | None,
        state: str | None,
        overdue: bool | None,
        mine: bool,
        now: datetime,
        limit: int,
        after: After,
    ) -> list[tuple[Rating, Turn | None]]:
        """The ratings ``viewer`` may see, oldest first, after the cursor (opened_at, id),
        each joined to its open turn on the spine's ``turns`` table."""
        query = page_query(
            viewer,
            vendor_id=vendor_id,
            procurement_id=procurement_id,
            state=state,
            overdue=overdue,
            mine=mine,
            now=now,
            limit=limit,
            after=after,
        )
        rows = (await self.session.execute(query)).mappings()
        return [(_from_row(row), _turn_of(row)) for row in rows]

    async def _one(self, query: Direct, params: dict[str, Any]) -> Rating | None:
        row = await fetchrow(self.session, query, params)
        return _from_row(row) if row else None


class SqlVendorReviews:
    """Whether a vendor is below the review threshold; rows locked to serialise ratings."""

    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def lock_was_below(self, vendor_id: UUID, at: datetime) -> bool:
        params = {"vendor_id": vendor_id, "below_threshold": False, "changed_at": at}
        return bool((await fetchone(self.session, _LOCK_REVIEW, params))[0])

    async def set_below(self, vendor_id: UUID, below: bool, at: datetime) -> None:
        params = {"vendor_key": vendor_id, "set_below": below, "set_at": at}
        await execute(self.session, _SET_BELOW, params)
