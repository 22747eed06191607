"""HTTP API of competitions (SOP steps 6–13) and the public result."""

from datetime import date
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from competition.api.common import anyone, idempotent, official_only
from competition.api.cursors import created_cursor
from competition.application import competitions as use
from competition.application import results
from competition.application.views import (
    competition_view,
    list_competitions,
    public_result,
)
from competition.domain.limits import MAX_QUANTITY, MAX_RUPIAH
from epurchasing_shared.auth import Principal
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.service import Runtime, get_runtime

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


@router.post("/competitions", status_code=201, summary="Draft a competition (steps 6–7)")
async def create(
    body: CreateIn,
    principal: Principal = Depends(official_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    async def work(session):
        competition = await use.create_competition(
            runtime,
            session,
            principal,
            body.purchase_request_id,
            body.kind,
            body.product_id,
            body.category,
        )
        return await competition_view(runtime, session, principal, competition)

    return await idempotent(runtime, principal, key, work)


@router.patch("/competitions/{competition_id}", summary="Competition data (step 8)")
async def edit(
    competition_id: UUID,
    body: PatchIn,
    principal: Principal = Depends(official_only),
    if_match: int | None = Header(default=None, alias="If-Match"),
    runtime: Runtime = Depends(get_runtime),
):
    items = [item.model_dump() for item in body.items] if body.items is not None else None
    changes = use.competition_changes(items, body.pagu, body.delivery_deadline)
    async with runtime.unit_of_work() as session:
        competition = await use.edit_competition(
            runtime, session, principal, competition_id, changes, if_match
        )
        return await competition_view(runtime, session, principal, competition)


@router.post("/competitions/{competition_id}/open", summary="Set the offer deadline (step 9)")
async def open_for_offers(
    competition_id: UUID,
    body: OpenIn,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        competition = await use.open_competition(
            runtime, session, principal, competition_id, body.offer_deadline
        )
        return await competition_view(runtime, session, principal, competition)


@router.post("/competitions/{competition_id}/evaluate", summary="Evaluate (step 11)")
async def evaluate(
    competition_id: UUID,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        competition = await results.evaluate_competition(
            runtime, session, principal, competition_id
        )
        return await competition_view(runtime, session, principal, competition)


@router.post("/competitions/{competition_id}/publish", summary="Publish the result (step 12)")
async def publish(
    competition_id: UUID,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        competition = await results.publish_competition(runtime, session, principal, competition_id)
        return await competition_view(runtime, session, principal, competition)


@router.post(
    "/competitions/{competition_id}/generate-package", summary="Generate the package (step 13)"
)
async def generate_package(
    competition_id: UUID,
    principal: Principal = Depends(official_only),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.unit_of_work() as session:
        competition, package = await results.generate_package(
            runtime, session, principal, competition_id
        )
        view = await competition_view(runtime, session, principal, competition)
        return view | {"package": package.model_dump(mode="json")}


@router.get("/competitions/{competition_id}", summary="One competition")
async def get_one(
    competition_id: UUID,
    principal: Principal = Depends(anyone),
    runtime: Runtime = Depends(get_runtime),
):
    async with runtime.sessions() as session:
        competition = await use.visible_competition(session, principal, competition_id)
        return await competition_view(runtime, session, principal, competition)


@router.get("/competitions", summary="Competitions the caller may see (newest first, paged)")
async def list_all(
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(anyone),
    runtime: Runtime = Depends(get_runtime),
):
    after = created_cursor(page.cursor)
    async with runtime.sessions() as session:
        found = await list_competitions(session, principal, page.limit, after)
        items = [await competition_view(runtime, session, principal, c) for c, _ in found]
    last = found[-1] if len(found) == page.limit else None
    cursor = encode_cursor(last[1].isoformat(), last[0].id) if last else None
    return {"items": items, "next_cursor": cursor}


@router.get("/public/competitions/{competition_id}", tags=["public"], summary="Published result")
async def public(competition_id: UUID, runtime: Runtime = Depends(get_runtime)):
    async with runtime.sessions() as session:
        return await public_result(session, competition_id)
