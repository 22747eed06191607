"""Ratings (SOP step 27): the PPK rates, the vendor replies, anyone signed in reads."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from epurchasing_shared.auth import Principal, Role, current_principal, require_roles
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.service import Runtime, get_runtime
from rating.api.common import create_idempotently, if_match
from rating.api.paging import cursor_after, next_cursor
from rating.api.schemas import RateRequest, RatingOut, RatingPage, ReplyRequest
from rating.application.queries import get_rating, list_ratings
from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.application.reply import reply_to_rating

router = APIRouter(tags=["ratings"])
State = Literal["pending", "rated", "replied"]


@router.post(
    "/ratings",
    status_code=201,
    response_model=RatingOut,
    summary="Rate the vendor of a completed package (step 27), once, as its PPK",
)
async def post_rating(
    body: RateRequest,
    principal: Principal = Depends(require_roles(Role.PPK)),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    command = RateVendor(body.procurement_id, dict(body.scores), body.comment)

    async def work(session):
        return RatingOut.of(await rate_vendor(session, runtime, principal, command), principal)

    return await create_idempotently(runtime, key, principal, work)


@router.post(
    "/ratings/{rating_id}/reply",
    response_model=RatingOut,
    summary="The rated vendor's one reply",
)
async def post_reply(
    rating_id: UUID,
    body: ReplyRequest,
    principal: Principal = Depends(require_roles(Role.VENDOR)),
    version: int | None = Depends(if_match),
    runtime: Runtime = Depends(get_runtime),
) -> RatingOut:
    async with runtime.unit_of_work() as session:
        rating = await reply_to_rating(session, runtime, principal, rating_id, body.text, version)
    return RatingOut.of(rating, principal)


@router.get("/ratings", response_model=RatingPage, summary="Ratings, e.g. of one vendor")
async def get_ratings(
    vendor_id: UUID | None = Query(default=None),
    state: State | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    runtime: Runtime = Depends(get_runtime),
) -> RatingPage:
    async with runtime.sessions() as session:
        found = await list_ratings(
            session,
            principal,
            vendor_id=vendor_id,
            state=state,
            limit=page.limit + 1,
            after=cursor_after(page),
        )
    shown = found[: page.limit]
    more = len(found) > page.limit
    return RatingPage(
        items=[RatingOut.of(r, principal) for r in shown],
        next_cursor=next_cursor(shown[-1].opened_at, shown[-1].id, more) if shown else None,
    )


@router.get("/ratings/{rating_id}", response_model=RatingOut, summary="One rating")
async def get_one_rating(
    rating_id: UUID,
    principal: Principal = Depends(current_principal),
    runtime: Runtime = Depends(get_runtime),
) -> RatingOut:
    async with runtime.sessions() as session:
        return RatingOut.of(await get_rating(session, principal, rating_id), principal)
