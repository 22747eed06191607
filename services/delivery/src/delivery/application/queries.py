"""Read use cases: the fulfilments a caller may see."""

from datetime import datetime
from uuid import UUID

from delivery.adapters import repository
from delivery.application.views import FulfilmentDetail, FulfilmentPage, fulfilment_detail, summary
from delivery.domain.states import FulfilmentState
from epurchasing_shared.auth import Principal
from epurchasing_shared.http.pagination import PageParams, encode_cursor
from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.service import Runtime


def _after(params: PageParams) -> tuple[datetime, UUID] | None:
    if params.cursor is None:
        return None
    try:
        created, procurement_id = params.cursor
        return datetime.fromisoformat(created), UUID(procurement_id)
    except (ValueError, TypeError) as error:
        raise Invalid("the cursor is not one this service gave out", field="cursor") from error


async def list_fulfilments(
    runtime: Runtime, principal: Principal, params: PageParams, state: FulfilmentState | None
) -> FulfilmentPage:
    """One page of the fulfilments the caller may see, optionally in one state."""
    async with runtime.sessions() as session:
        rows = await repository.list_visible(
            session,
            principal,
            state=state.value if state else None,
            after=_after(params),
            limit=params.limit + 1,
        )
    page = rows[: params.limit]
    more = len(rows) > params.limit
    last = page[-1] if page else None
    return FulfilmentPage(
        items=[summary(row, principal) for row in page],
        next_cursor=encode_cursor(last["created_at"].isoformat(), last["procurement_id"])
        if more and last
        else None,
    )


async def get_fulfilment(
    runtime: Runtime, principal: Principal, procurement_id: UUID
) -> FulfilmentDetail:
    async with runtime.sessions() as session:
        return await fulfilment_detail(session, principal, procurement_id)
