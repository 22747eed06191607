"""Ratings (SOP step 27): the PPK rates, the vendor replies, anyone signed in reads."""

from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from epurchasing_shared.auth import Principal, Role, current_principal
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from rating.api.responses import acted, created, not_found
from rating.api.schemas import RateRequest, ReplyRequest
from rating.api.wiring import Wiring, wiring
from rating.application import queries
from rating.application import rate_vendor as rating_step
from rating.application import reply as replies
from rating.application.queries import State, TurnScope
from rating.application.views import RatingOut, RatingPage

router = APIRouter(tags=["ratings"])


@router.post(
    "/ratings",
    status_code=201,
    response_model=RatingOut,
    responses=created("The rating")
    | not_found("No completed package of that procurement for this PPK to rate"),
    summary="Rate the vendor of a completed package (step 27), once, as its PPK",
)
async def rate_vendor(
    body: RateRequest,
    action: ActionRequest = Depends(action_request(Role.PPK)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    command = rating_step.RateVendor(body.procurement_id, dict(body.scores), body.comment)
    outcome = await rating_step.rate_vendor(
        service.unit_of_work, action, command, service.scheme, service.policy
    )
    return respond(outcome)


@router.post(
    "/ratings/{rating_id}/reply",
    response_model=RatingOut,
    responses=acted("The rating with the vendor's reply"),
    summary="The rated vendor's one reply",
)
async def reply_to_rating(
    rating_id: UUID,
    body: ReplyRequest,
    action: ActionRequest = Depends(action_request(Role.VENDOR)),
    service: Wiring = Depends(wiring),
) -> JSONResponse:
    outcome = await replies.reply_to_rating(service.unit_of_work, action, rating_id, body.text)
    return respond(outcome)


@router.get(
    "/ratings",
    response_model=RatingPage,
    summary="Ratings, e.g. of one vendor; a PPK's pending ones to rate (turn=mine)",
)
async def list_ratings(
    # The caller first: a request without a token is a 401 whatever its query says.
    principal: Principal = Depends(current_principal),
    vendor_id: UUID | None = Query(default=None),
    procurement_id: UUID | None = Query(
        default=None,
        description="only the rating of this procurement (at most one): e.g. the PPK's "
        "pending one to give at step 27, whichever page of the vendor's it would be on",
    ),
    state: State | None = Query(default=None),
    overdue: bool | None = Query(
        default=None,
        description="true: only ratings whose open turn is past its due time; false: the others",
    ),
    turn: TurnScope | None = Query(
        default=None,
        description="mine: only ratings whose open turn is the caller's (a PPK's pending "
        "ratings to give, SOP step 27)",
    ),
    page: PageParams = Depends(page_params),
    service: Wiring = Depends(wiring),
) -> RatingPage:
    return await queries.list_ratings(
        service.unit_of_work,
        principal,
        vendor_id=vendor_id,
        procurement_id=procurement_id,
        state=state,
        overdue=overdue,
        turn=turn,
        page=page,
    )


@router.get("/ratings/{rating_id}", response_model=RatingOut, summary="One rating")
async def get_rating(
    rating_id: UUID,
    principal: Principal = Depends(current_principal),
    service: Wiring = Depends(wiring),
) -> RatingOut:
    return await queries.get_rating(service.unit_of_work, principal, rating_id)
