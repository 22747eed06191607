"""Read use cases: the fulfilments a caller may see, and their documents."""

from datetime import datetime
from uuid import UUID

from delivery.application.letters import GENERATED_KIND, Kind
from delivery.application.ports import UnitOfWorkFactory
from delivery.application.views import (
    FulfilmentDetail,
    FulfilmentPage,
    PaymentView,
    ShipmentView,
    fulfilment_detail,
    not_found,
    summary,
)
from delivery.domain.states import FULFILMENT, FulfilmentState
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.kernel.errors import ActionNotAllowed, NotFound, RuleViolation
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.pages import PageParams, encode_cursor
from epurchasing_shared.principal import Principal

S = FulfilmentState
_BEFORE_INSPECTION = {S.AWAITING_ACKNOWLEDGEMENT, S.READY_FOR_PREPARATION, S.PREPARING, S.SHIPPING}
# The states in which a generated BAP (BAST) cannot exist yet: before the inspection (handover).
NOT_YET: dict[Kind, set[str]] = {
    "bap": {str(s) for s in _BEFORE_INSPECTION | {S.DELIVERED}},
    "bast": {str(s) for s in _BEFORE_INSPECTION | {S.DELIVERED, S.INSPECTED}},
}


def _after(params: PageParams) -> tuple[datetime, UUID] | None:
    if params.cursor is None:
        return None
    try:
        created, procurement_id = params.cursor
        return datetime.fromisoformat(created), UUID(procurement_id)
    except (ValueError, TypeError) as error:
        raise RuleViolation.one(
            "cursor",
            "the cursor is not one this service gave out",
            "cursor bukan yang diberikan layanan ini",
        ) from error


async def list_fulfilments(
    unit_of_work: UnitOfWorkFactory,
    principal: Principal,
    params: PageParams,
    state: FulfilmentState | None,
    *,
    overdue: bool | None = None,
    mine: bool = False,
) -> FulfilmentPage:
    """One page of the fulfilments the caller may see, optionally in one state; ``overdue``:
    only those whose open turn is past due (True) or not (False: on time, or no one's turn);
    ``mine``: only those whose turn is the caller's ("my work": a vendor's by its vendor id,
    a PPK's by work unit and user id)."""
    async with unit_of_work(Caller(principal)) as uow:
        now = uow.now()
        rows = await uow.fulfilments.list_visible(
            principal,
            state=state.value if state else None,
            after=_after(params),
            limit=params.limit + 1,
            overdue=overdue,
            mine=mine,
            now=now,
        )
    page = rows[: params.limit]
    more = len(rows) > params.limit
    last = page[-1] if page else None
    return FulfilmentPage(
        items=[summary(row, principal, now) for row in page],
        next_cursor=encode_cursor(last["created_at"].isoformat(), last["procurement_id"])
        if more and last
        else None,
    )


async def get_fulfilment(
    unit_of_work: UnitOfWorkFactory, principal: Principal, procurement_id: UUID
) -> FulfilmentDetail:
    """One fulfilment with its shipping history, payments, BAP and BAST; 404 if not visible."""
    async with unit_of_work(Caller(principal)) as uow:
        return await fulfilment_detail(uow, principal, procurement_id)


async def find_document(
    unit_of_work: UnitOfWorkFactory, principal: Principal, procurement_id: UUID, document_id: UUID
) -> DocumentRef:
    """A document of a fulfilment the caller may see (404 for any other)."""
    async with unit_of_work(Caller(principal)) as uow:
        if await uow.fulfilments.find_visible(principal, procurement_id) is None:
            raise not_found(procurement_id)
        documents = await uow.documents_of(procurement_id)
    found = next((d for d in documents if d.id == document_id), None)
    if found is None:
        raise NotFound(
            f"document {document_id} not found", f"dokumen {document_id} tidak ditemukan"
        )
    return found


async def get_shipping_entry(
    unit_of_work: UnitOfWorkFactory, principal: Principal, procurement_id: UUID, entry_no: int
) -> ShipmentView:
    """One entry of a visible fulfilment's shipping history (404 for any other)."""
    detail = await get_fulfilment(unit_of_work, principal, procurement_id)
    found = next((s for s in detail.shipments if s.entry_no == entry_no), None)
    if found is None:
        raise NotFound(
            f"shipping entry {entry_no} of fulfilment {procurement_id} not found",
            f"entri pengiriman {entry_no} dari pelaksanaan pesanan {procurement_id} "
            "tidak ditemukan",
        )
    return found


async def get_payment(
    unit_of_work: UnitOfWorkFactory, principal: Principal, procurement_id: UUID, payment_no: int
) -> PaymentView:
    """One payment of a visible fulfilment (404 for any other)."""
    detail = await get_fulfilment(unit_of_work, principal, procurement_id)
    found = next((p for p in detail.payments if p.payment_no == payment_no), None)
    if found is None:
        raise NotFound(
            f"payment {payment_no} of fulfilment {procurement_id} not found",
            f"pembayaran {payment_no} dari pelaksanaan pesanan {procurement_id} tidak ditemukan",
        )
    return found


async def generated_letter(
    unit_of_work: UnitOfWorkFactory, principal: Principal, procurement_id: UUID, kind: Kind
) -> DocumentRef:
    """The generated BAP (``kind="bap"``) or BAST of a fulfilment the caller may see (404 for
    any other); 409 while the inspection (or the handover) has not happened."""
    async with unit_of_work(Caller(principal)) as uow:
        row = await uow.fulfilments.find_visible(principal, procurement_id)
        if row is None:
            raise not_found(procurement_id)
        documents = await uow.documents_of(procurement_id)
    found = [d for d in documents if d.kind == GENERATED_KIND[kind]]
    if found:
        return found[-1]
    if row["state"] in NOT_YET[kind]:
        step = "inspection" if kind == "bap" else "handover"
        raise ActionNotAllowed(
            f"download_{kind}",
            row["state"],
            FULFILMENT.allowed_actions(row["state"], principal.role),
            detail=f"the {kind.upper()} exists once the {step} is recorded",
            detail_id=f"{kind.upper()} baru tersedia setelah "
            + ("pemeriksaan barang" if kind == "bap" else "serah terima barang"),
        )
    raise NotFound(
        f"no generated {kind.upper()} is kept for fulfilment {procurement_id}",
        f"{kind.upper()} untuk pelaksanaan pesanan {procurement_id} tidak dibuat oleh sistem",
    )
