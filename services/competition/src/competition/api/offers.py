"""HTTP API of offers (SOP step 10) and the sealed leaderboard (10–11).

A blacklisted vendor is refused with **403** (problem ``forbidden``, detail naming the
blacklist): the vendor is identified and barred, which is an authorisation refusal, not a
fault in the offer's content (422).
"""

from uuid import UUID

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from competition.api import schemas
from competition.api.common import reader, rules, unit_of_work
from competition.api.schemas import LineNo, Rupiah, RupiahOrZero
from competition.application import offers as use
from competition.application import queries
from competition.application.ports import Rules, UnitOfWorkFactory
from competition.domain.offers import OfferLine, OfferTerms
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.kernel.actions import ActionRequest

router = APIRouter(prefix="/competitions/{competition_id}", tags=["offers (step 10)"])


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_no: LineNo = Field(examples=[1])
    product_id: UUID
    unit_price: Rupiah = Field(
        description="Whole rupiah, at most the catalogue price", examples=[12_500_000]
    )


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[LineIn] = Field(min_length=1, max_length=200)
    shipping_cost: RupiahOrZero = Field(
        description="Ongkos kirim, whole rupiah", examples=[750_000]
    )
    delivery_days: StrictInt = Field(ge=1, le=365, examples=[14])

    def terms(self) -> OfferTerms:
        return OfferTerms(
            lines=tuple(OfferLine(**line.model_dump()) for line in self.lines),
            shipping_cost=self.shipping_cost,
            delivery_days=self.delivery_days,
        )


VENDOR = Depends(action_request(Role.VENDOR))
UOW = Depends(unit_of_work)


@router.post(
    "/offers",
    status_code=201,
    summary="Submit the vendor's offer",
    response_model=schemas.OfferOut,
    responses=schemas.created(
        "The vendor's offer (read and revised at offers/mine)", location=False, etag=False
    ),
)
async def submit_offer(
    competition_id: UUID,
    body: OfferIn,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    return respond(await use.submit_offer(uow, action, competition_id, body.terms(), settings))


@router.put(
    "/offers/mine",
    summary="Revise the vendor's offer (the latest counts)",
    response_model=schemas.OfferOut,
    responses=schemas.done("The revised offer", etag=False),
)
async def revise_offer(
    competition_id: UUID,
    body: OfferIn,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    # If-Match names the offer's revision last read.
    return respond(await use.revise_offer(uow, action, competition_id, body.terms(), settings))


@router.delete("/offers/mine", status_code=204, summary="Withdraw the vendor's offer")
async def withdraw_offer(
    competition_id: UUID,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> Response:
    # If-Match names the offer's revision last read.
    await use.withdraw_offer(uow, action, competition_id, settings)
    return Response(status_code=204)


@router.get(
    "/leaderboard",
    summary="Ranked offers; sealed until the deadline",
    response_model=schemas.LeaderboardOut,
)
async def get_leaderboard(
    competition_id: UUID,
    action: ActionRequest = Depends(reader(*Role)),
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    """The competition's ranked offers (vendor, evaluated price, rank).

    Offers are sealed until the offer deadline: before it no one sees another's price.

    - the procurement official, the admin, the auditor and the PPK get **200** with a sealed
      body: ``sealed: true``, an empty ``ranking`` and ``offer_count`` (how many live
      offers), never a vendor or a price. A regency may let the official of the work unit
      watch the ranking live with ``COMPETITION_OFFICIALS_SEE_LIVE_PRICES=true``;
    - a vendor gets ``sealed: true``, an empty ``ranking`` and its own offer (``my_offer``).

    After the deadline the PPK, the official, the admin and the auditor see the full ranking;
    a vendor sees the ranks, vendor names and evaluated prices only.
    """
    return JSONResponse(await queries.leaderboard(uow, action, competition_id, settings))
