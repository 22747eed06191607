"""HTTP API of offers (SOP step 10) and the sealed leaderboard (10–11).

A blacklisted vendor is refused with **403** (problem ``forbidden``, detail naming the
blacklist): the vendor is identified and barred, which is an authorisation refusal, not a
fault in the offer's content (422).
"""

from uuid import UUID

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from competition.api.common import reader, rules, unit_of_work
from competition.application import offers as use
from competition.application import queries
from competition.application.ports import Rules, UnitOfWorkFactory
from competition.domain.limits import MAX_RUPIAH
from competition.domain.offers import OfferLine, OfferTerms
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.kernel.actions import ActionRequest

router = APIRouter(prefix="/competitions/{competition_id}", tags=["offers (step 10)"])


class LineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_no: int = Field(ge=1)
    product_id: UUID
    unit_price: int = Field(
        ge=1, le=MAX_RUPIAH, description="Whole rupiah, at most the catalogue price"
    )


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lines: list[LineIn] = Field(min_length=1, max_length=200)
    shipping_cost: int = Field(ge=0, le=MAX_RUPIAH, description="Ongkos kirim, whole rupiah")
    delivery_days: int = Field(ge=1, le=365)

    def terms(self) -> OfferTerms:
        return OfferTerms(
            lines=tuple(OfferLine(**line.model_dump()) for line in self.lines),
            shipping_cost=self.shipping_cost,
            delivery_days=self.delivery_days,
        )


VENDOR = Depends(action_request(Role.VENDOR))
UOW = Depends(unit_of_work)


@router.post("/offers", status_code=201, summary="Submit the vendor's offer")
async def submit(
    competition_id: UUID,
    body: OfferIn,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    return respond(await use.submit_offer(uow, action, competition_id, body.terms(), settings))


@router.put("/offers/mine", summary="Revise the vendor's offer (the latest counts)")
async def revise(
    competition_id: UUID,
    body: OfferIn,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    # If-Match names the offer's revision last read.
    return respond(await use.revise_offer(uow, action, competition_id, body.terms(), settings))


@router.delete("/offers/mine", status_code=204, summary="Withdraw the vendor's offer")
async def withdraw(
    competition_id: UUID,
    action: ActionRequest = VENDOR,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> Response:
    # If-Match names the offer's revision last read.
    await use.withdraw_offer(uow, action, competition_id, settings)
    return Response(status_code=204)


@router.get("/leaderboard", summary="Ranked offers; sealed until the deadline")
async def get_leaderboard(
    competition_id: UUID,
    action: ActionRequest = Depends(reader(*Role)),
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    """The competition's ranked offers (vendor, evaluated price, rank).

    Offers are sealed until the offer deadline. Before it:

    - the procurement official of the competition's work unit sees the full ranking
      (api.md: the leaderboard is the official's, steps 10–11); so do admin and auditor,
      who read everything (domain.md, actors);
    - a vendor gets ``sealed: true``, an empty ``ranking`` and its own offer (``my_offer``);
    - the PPK gets **200** with a sealed body: ``sealed: true``, an empty ``ranking`` and
      ``offer_count`` (how many live offers), never a vendor or a price. A 403 would tell
      the PPK nothing more and would break a client polling the same URL across the deadline.

    After the deadline the PPK and the official see the full ranking; a vendor sees the
    ranks, vendor names and evaluated prices only.
    """
    return await queries.leaderboard(uow, action, competition_id, settings)
