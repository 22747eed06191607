"""HTTP API of competitions (SOP steps 6–13) and the public result."""

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from competition.api.common import reader, rules, unit_of_work
from competition.api.cursors import created_cursor
from competition.application import competitions as use
from competition.application import queries, results
from competition.application.ports import Rules, UnitOfWorkFactory
from competition.domain.limits import MAX_QUANTITY, MAX_RUPIAH
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.kernel.actions import ActionRequest

router = APIRouter(tags=["competitions (steps 6–13)"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreateIn(Strict):
    purchase_request_id: UUID
    kind: Literal["product", "specification"]
    product_id: UUID | None = Field(default=None, description="The competed product (product)")
    category: str | None = Field(default=None, max_length=120, description="(specification)")


class ItemIn(Strict):
    line_no: int = Field(ge=1)
    description: str = Field(min_length=1, max_length=500)
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    unit: str = Field(min_length=1, max_length=40)


class PatchIn(Strict):
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=200)
    pagu: int | None = Field(default=None, ge=1, le=MAX_RUPIAH)
    delivery_deadline: date | None = None


class OpenIn(Strict):
    offer_deadline: AwareDatetime


OFFICIAL = Depends(action_request(Role.PROCUREMENT_OFFICIAL))
ANYONE = Depends(reader(*Role))
UOW = Depends(unit_of_work)


@router.post("/competitions", status_code=201, summary="Draft a competition (steps 6–7)")
async def create(body: CreateIn, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW):
    outcome = await use.create_competition(
        uow, action, body.purchase_request_id, body.kind, body.product_id, body.category
    )
    return respond(outcome)


@router.patch("/competitions/{competition_id}", summary="Competition data (step 8)")
async def edit(
    competition_id: UUID,
    body: PatchIn,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
):
    items = [item.model_dump() for item in body.items] if body.items is not None else None
    changes = use.competition_changes(items, body.pagu, body.delivery_deadline)
    return respond(await use.edit_competition(uow, action, competition_id, changes))


@router.post("/competitions/{competition_id}/open", summary="Set the offer deadline (step 9)")
async def open_for_offers(
    competition_id: UUID,
    body: OpenIn,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    outcome = await use.open_competition(uow, action, competition_id, body.offer_deadline, settings)
    return respond(outcome)


@router.post("/competitions/{competition_id}/evaluate", summary="Evaluate (step 11)")
async def evaluate(
    competition_id: UUID,
    action: ActionRequest = OFFICIAL,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    return respond(await results.evaluate_competition(uow, action, competition_id, settings))


@router.post("/competitions/{competition_id}/publish", summary="Publish the result (step 12)")
async def publish(
    competition_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
):
    return respond(await results.publish_competition(uow, action, competition_id))


@router.post(
    "/competitions/{competition_id}/generate-package", summary="Generate the package (step 13)"
)
async def generate_package(
    competition_id: UUID, action: ActionRequest = OFFICIAL, uow: UnitOfWorkFactory = UOW
):
    return respond(await results.generate_package(uow, action, competition_id))


@router.get("/competitions/{competition_id}", summary="One competition")
async def get_one(
    competition_id: UUID, action: ActionRequest = ANYONE, uow: UnitOfWorkFactory = UOW
):
    return await queries.get_competition(uow, action, competition_id)


@router.get("/competitions", summary="Competitions the caller may see (newest first, paged)")
async def list_all(
    page: PageParams = Depends(page_params),
    action: ActionRequest = ANYONE,
    uow: UnitOfWorkFactory = UOW,
):
    after = created_cursor(page.cursor)
    items, last = await queries.list_competitions(uow, action, page.limit, after)
    cursor = encode_cursor(last[0].isoformat(), last[1]) if last else None
    return {"items": items, "next_cursor": cursor}


@router.get("/public/competitions/{competition_id}", tags=["public"], summary="Published result")
async def public(competition_id: UUID, uow: UnitOfWorkFactory = UOW):
    return await queries.public_result(uow, competition_id)
