"""The rated vendor's one reply to a rating (*ours*)."""

from uuid import UUID

from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import Outcome
from rating.application.ports import RatingUnitOfWork, UnitOfWorkFactory
from rating.application.views import RatingOut, as_json
from rating.application.visibility import is_own, may_see, require_role
from rating.domain.rating import RATING_MACHINE, Rating


async def reply_to_rating(
    unit_of_work: UnitOfWorkFactory, request: ActionRequest, rating_id: UUID, text: str
) -> Outcome:
    """Reply once; another vendor's rating (or one not yet rated) is a 404."""
    principal = request.caller.principal
    require_role(RATING_MACHINE, "reply", principal)
    assert principal is not None

    async def load(uow: RatingUnitOfWork) -> Rating:
        rating = await uow.ratings.get(rating_id, for_update=True)
        if rating is None or not is_own(rating, principal) or not may_see(rating, principal):
            raise NotFound(
                f"rating {rating_id} not found",
                f"penilaian kinerja {rating_id} tidak ditemukan",
            )
        return rating

    async def act(uow: RatingUnitOfWork, rating: Rating) -> Outcome:
        change = rating.answer(text, by=principal.sub, at=uow.now(), role=principal.role)
        await uow.ratings.save(rating)
        await uow.history(
            change,
            procurement_id=rating.package.procurement_id,
            aggregate="rating",
            aggregate_id=rating.id,
        )
        turn = await uow.open_turn(rating.id)
        return Outcome(as_json(RatingOut.of(rating, principal, turn, uow.now())))

    return await perform(unit_of_work, request, load, act)
