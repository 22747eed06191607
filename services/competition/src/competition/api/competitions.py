"""HTTP API of competitions (SOP steps 6–13) and the public result."""

from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from competition.api import schemas
from competition.api.common import reader, rules, unit_of_work
from competition.api.cursors import created_cursor
from competition.api.schemas import IsoDate, IsoDateTime, LineNo, Quantity, Rupiah
from competition.application import competitions as use
from competition.application import queries, results
from competition.application.ports import Rules, UnitOfWorkFactory
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.kernel.actions import ActionRequest

router = APIRouter(tags=["competitions (steps 6–13)"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreateIn(Strict):
    purchase_request_id: UUID
    kind: Literal["product", "specification"] = Field(examples=["specification"])
    product_id: UUID | None = Field(default=None, description="The competed product (product)")
    category: str | None = Field(
        default=None,
        min_length=1,
        max_length=120,
        description="(specification)",
        examples=["laptop"],
    )


class ItemIn(Strict):
    line_no: LineNo = Field(description="The purchase request's item number (1, 2, …)")
    description: str = Field(
        min_length=1, max_length=500, examples=["Laptop 14 inci, RAM 16 GB, SSD 512 GB"]
    )
    quantity: Quantity = Field(description="At most the request's quantity", examples=[10])
    unit: str = Field(min_length=1, max_length=40, examples=["unit"])


class PatchIn(Strict):
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=200)
    pagu: Rupiah | None = Field(
        default=None, description="At most the request's pagu", examples=[150_000_000]
    )
    delivery_deadline: IsoDate | None = Field(default=None, examples=["2026-04-30"])


class OpenIn(Strict):
    offer_deadline: IsoDateTime = Field(examples=["2026-03-09T16:00:00+07:00"])


OFFICIAL = Depends(action_request(Role.PROCUREMENT_OFFICIAL))
ANYONE = Depends(reader(*Role))
UOW = Depends(unit_of_work)


@router.post(
    "/competitions",
    status_code=201,
    summary="Draft a competition (steps 6–7)",
    response_model=schemas.CompetitionOut,
    responses=schemas.created("The draft competition"),
)
async def create_competition(
    body: CreateIn, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    outcome = await use.create_competition(
        uow, action, body.purchase_request_id, body.kind, body.product_id, body.category
    )
    return respond(outcome)


@router.patch(
    "/competitions/{competition_id}",
    summary="Competition data (step 8)",
    response_model=schemas.CompetitionOut,
    responses=schemas.done("The changed competition"),
)
async def edit_competition(
    competition_id: UUID,
    body: PatchIn,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    items = [item.model_dump() for item in body.items] if body.items is not None else None
    changes = use.competition_changes(items, body.pagu, body.delivery_deadline)
    return respond(await use.edit_competition(uow, action, competition_id, changes, settings))


@router.post(
    "/competitions/{competition_id}/open",
    summary="Set the offer deadline (step 9)",
    response_model=schemas.CompetitionOut,
    responses=schemas.done("The open competition"),
)
async def open_competition(
    competition_id: UUID,
    body: OpenIn,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    outcome = await use.open_competition(uow, action, competition_id, body.offer_deadline, settings)
    return respond(outcome)


@router.post(
    "/competitions/{competition_id}/evaluate",
    summary="Evaluate (step 11)",
    response_model=schemas.CompetitionOut,
    responses=schemas.done("The evaluated competition"),
)
async def evaluate_competition(
    competition_id: UUID,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    return respond(await results.evaluate_competition(uow, action, competition_id, settings))


@router.post(
    "/competitions/{competition_id}/publish",
    summary="Publish the result (step 12)",
    response_model=schemas.CompetitionOut,
    responses=schemas.done("The published competition"),
)
async def publish_competition(
    competition_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await results.publish_competition(uow, action, competition_id))


@router.post(
    "/competitions/{competition_id}/generate-package",
    summary="Generate the package (step 13)",
    response_model=schemas.PackageGeneratedOut,
    responses=schemas.done("The competition and the generated package"),
)
async def generate_package(
    competition_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await results.generate_package(uow, action, competition_id))


@router.get(
    "/competitions/{competition_id}",
    summary="One competition",
    response_model=schemas.CompetitionOut,
    responses={200: {"description": "The competition", "headers": schemas.ETAG}},
)
async def get_competition(
    competition_id: UUID, action: ActionRequest = ANYONE, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    view = await queries.get_competition(uow, action, competition_id)
    return JSONResponse(view, headers={"ETag": f'"{view["version"]}"'})


@router.get(
    "/competitions",
    summary="Competitions the caller may see (newest first, paged)",
    response_model=schemas.CompetitionPage,
)
async def list_competitions(
    action: ActionRequest = ANYONE,
    purchase_request_id: UUID | None = Query(
        default=None,
        description="only the competitions of this purchase request (its first and any re-run "
        "after a failed one), whichever page of the caller's list they would be on",
    ),
    state: schemas.CompetitionState | None = Query(default=None, description="Only in this state"),
    overdue: bool | None = schemas.OVERDUE_QUERY,
    turn: Literal["mine"] | None = schemas.TURN_QUERY,
    page: PageParams = Depends(page_params),
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    after = created_cursor(page.cursor)
    items, last = await queries.list_competitions(
        uow,
        action,
        page.limit,
        after,
        state,
        overdue,
        turn == "mine",
        purchase_request_id=purchase_request_id,
    )
    cursor = encode_cursor(last[0].isoformat(), last[1]) if last else None
    return JSONResponse({"items": items, "next_cursor": cursor})


@router.get(
    "/public/competitions/{competition_id}",
    tags=["public"],
    summary="Published result",
    response_model=schemas.PublicResultOut,
)
async def get_published_result(competition_id: UUID, uow: UnitOfWorkFactory = UOW) -> JSONResponse:
    return JSONResponse(await queries.public_result(uow, competition_id))
