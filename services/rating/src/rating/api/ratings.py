"""Ratings (SOP step 27): the PPK rates, the vendor replies, anyone signed in reads."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from epurchasing_shared.auth import Principal, Role, current_principal
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from rating.api.schemas import RateRequest, ReplyRequest
from rating.api.wiring import Wiring, wiring
from rating.application.queries import State, get_rating, list_ratings
from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.application.reply import reply_to_rating
from rating.application.views import RatingOut, RatingPage

router = APIRouter(tags=["ratings"])


@router.post(
    "/ratings",
    status_code=201,
    response_model=RatingOut,
    summary="Rate the vendor of a completed package (step 27), once, as its PPK",
)
async def post_rating(
    body: RateRequest,
    action: ActionRequest = Depends(action_request(Role.PPK)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    command = RateVendor(body.procurement_id, dict(body.scores), body.comment)
    return respond(
        await rate_vendor(service.unit_of_work, action, command, service.scheme, service.policy)
    )


@router.post(
    "/ratings/{rating_id}/reply",
    response_model=RatingOut,
    summary="The rated vendor's one reply",
)
async def post_reply(
    rating_id: UUID,
    body: ReplyRequest,
    action: ActionRequest = Depends(action_request(Role.VENDOR)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    return respond(await reply_to_rating(service.unit_of_work, action, rating_id, body.text))


@router.get("/ratings", response_model=RatingPage, summary="Ratings, e.g. of one vendor")
async def get_ratings(
    vendor_id: UUID | None = Query(default=None),
    state: State | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    service: Wiring = Depends(wiring),
) -> RatingPage:
    return await list_ratings(
        service.unit_of_work, principal, vendor_id=vendor_id, state=state, page=page
    )


@router.get("/ratings/{rating_id}", response_model=RatingOut, summary="One rating")
async def get_one_rating(
    rating_id: UUID,
    principal: Principal = Depends(current_principal),
    service: Wiring = Depends(wiring),
) -> RatingOut:
    return await get_rating(service.unit_of_work, principal, rating_id)
