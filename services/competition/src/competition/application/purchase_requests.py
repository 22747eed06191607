"""Use cases of the purchase request (SOP steps 1–4)."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from competition.application.access import may_see_request, party_of, plain, turn_holder_of
from competition.application.notifications import queue_turn_email
from competition.application.ports import (
    CompetitionUnitOfWork,
    Rules,
    UnitOfWorkFactory,
    WorkFilter,
)
from competition.application.views import request_view, request_views
from competition.domain import purchase_request as pr
from competition.domain.errors import Forbidden
from competition.domain.purchase_request import Official, PurchaseRequest
from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.competition import (
    PurchaseRequestAccepted,
    PurchaseRequestReturned,
    PurchaseRequestSubmitted,
)
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.actions import ActionRequest, create, perform
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import CALLER, Outcome
from epurchasing_shared.principal import Principal

AGGREGATE = "purchase_request"


def caller_of(uow: CompetitionUnitOfWork) -> Principal:
    """The acting principal of an actor's action (never the system)."""
    assert uow.caller.principal is not None
    return uow.caller.principal


def role_of(uow: CompetitionUnitOfWork) -> str:
    """The acting role: the state machine refuses an action of another role (403)."""
    return str(caller_of(uow).role)


async def visible_request(
    uow: CompetitionUnitOfWork, request_id: UUID, for_update: bool = False
) -> PurchaseRequest:
    """The request, or NotFound when it does not exist or is not the caller's to see."""
    request = await uow.requests.get(request_id, for_update)
    principal = uow.caller.principal
    if request is None or (principal is not None and not may_see_request(principal, request)):
        raise NotFound(
            f"purchase request {request_id} not found", "permintaan pembelian tidak ditemukan"
        )
    return request


async def save_request_change(
    uow: CompetitionUnitOfWork,
    request: PurchaseRequest,
    change: Change,
    documents: tuple[DocumentRef, ...] = (),
    actor: Any = CALLER,
    close_turn: bool = True,
) -> None:
    """Save the purchase request and append its change to the procurement's history."""
    await uow.requests.save(request, uow.now())
    await log_request(uow, request, change, documents, actor, close_turn)


async def log_request(
    uow: CompetitionUnitOfWork,
    request: PurchaseRequest,
    change: Change,
    documents: tuple[DocumentRef, ...] = (),
    actor: Any = CALLER,
    close_turn: bool = True,
) -> None:
    """The request's history entry; the turn the change hands over (the table's standard)
    goes to the request's PPK or addressed official, in the request's work unit, who is
    e-mailed where the table's step calls for it (the official at 4: notifications.py).
    ``close_turn=False``: a side action (an edit, a document) during the PPK's turn."""
    standard = change.time_standard
    turn = await uow.history(
        change,
        procurement_id=request.id,
        aggregate=AGGREGATE,
        aggregate_id=request.id,
        documents=documents,
        actor=actor,
        actor_id=request.turn_holder(standard.actor) if standard else None,
        work_unit=request.work_unit,
        close_turn=close_turn,
    )
    await queue_turn_email(uow, request, turn)  # where the table's next actor is e-mailed


def work_filter(uow: CompetitionUnitOfWork, overdue: bool | None, mine: bool) -> WorkFilter:
    """The list filters on the open turn, at the unit of work's time, for its caller."""
    holder = turn_holder_of(caller_of(uow)) if mine else None
    return WorkFilter(now=uow.now(), overdue=overdue, mine=holder)


def today(uow: CompetitionUnitOfWork, rules: Rules) -> Any:
    return uow.now().astimezone(rules.zone).date()


async def draft_request(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, data: dict[str, Any], rules: Rules
) -> Outcome:
    """Steps 1–2: the PPK writes the request as a draft of their work unit."""

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        principal = caller_of(uow)
        assert principal.work_unit is not None  # a PPK token always carries it
        request = PurchaseRequest(
            id=uuid4(),
            work_unit=principal.work_unit,
            ppk_id=principal.sub,
            ppk_name=principal.name,
            ppk_email=principal.email,
            **data,
        )
        pr.check_draft_data(request, today(uow, rules))
        await uow.requests.add(request, uow.now())
        await log_request(uow, request, pr.drafted(request))
        return Outcome(
            await request_view(uow, principal, request),
            created=True,
            location=f"/purchase-requests/{request.id}",
        )

    return await create(unit_of_work, action, act)


def _load(request_id: UUID):  # type: ignore[no-untyped-def]
    async def load(uow: CompetitionUnitOfWork) -> PurchaseRequest:
        return await visible_request(uow, request_id, for_update=True)

    return load


async def _answer(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
    return Outcome(await request_view(uow, caller_of(uow), request))


async def edit_request(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    request_id: UUID,
    changes: dict[str, Any],
    rules: Rules,
) -> Outcome:
    """Step 2: change the draft's data."""

    async def act(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
        change = pr.edit_draft(request, changes, today(uow, rules), role_of(uow))
        await save_request_change(uow, request, change, close_turn=False)
        return await _answer(uow, request)

    return await perform(unit_of_work, action, _load(request_id), act)


async def attach_request_document(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    request_id: UUID,
    kind: str,
    upload: Upload,
) -> Outcome:
    """Step 2: the nota dinas or the specification, stored with its SHA-256."""

    async def act(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
        change = pr.attach_document(request, kind, role_of(uow))
        ref = await uow.save_document(
            upload, kind=kind, owner_kind=AGGREGATE, owner_id=request.id, procurement_id=request.id
        )
        await save_request_change(uow, request, change, (ref,), close_turn=False)
        return Outcome(
            plain({"document": ref.as_dict(), "version": request.version}),
            created=True,
            location=f"/purchase-requests/{request.id}/documents/{ref.id}",
        )

    return await perform(unit_of_work, action, _load(request_id), act)


async def submit_request(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    request_id: UUID,
    official: Official | None,
) -> Outcome:
    """Step 3: send the request to the named procurement official."""

    async def act(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
        principal = caller_of(uow)
        pr.remember_email(request, role_of(uow), principal.sub, principal.email)
        change = pr.submit(request, official, role_of(uow))
        await save_request_change(uow, request, change)
        assert request.official is not None
        payload = PurchaseRequestSubmitted(
            purchase_request_id=request.id,
            title=request.title,
            rup_code=request.rup_code,
            fiscal_year=request.fiscal_year,
            pagu=request.pagu,
            work_unit=request.work_unit,
            ppk=party_of(caller_of(uow)),
            official=Party(
                id=request.official.id, name=request.official.name, email=request.official.email
            ),
        )
        await uow.record(payload, procurement_id=request.id, sop_step=change.sop_step)
        return await _answer(uow, request)

    return await perform(unit_of_work, action, _load(request_id), act)


def _check_addressee(principal: Principal, request: PurchaseRequest) -> None:
    if request.official is None or request.official.id != principal.sub:
        raise Forbidden(
            "the request is addressed to another procurement official",
            "permintaan ditujukan kepada Pejabat Pengadaan lain",
        )


async def accept_request(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, request_id: UUID
) -> Outcome:
    """Step 4: the addressed official receives the request."""

    async def act(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
        principal = caller_of(uow)
        _check_addressee(principal, request)
        pr.remember_email(request, role_of(uow), principal.sub, principal.email)
        change = pr.accept(request, role_of(uow))
        await save_request_change(uow, request, change)
        payload = PurchaseRequestAccepted(
            purchase_request_id=request.id, official=party_of(principal)
        )
        await uow.record(payload, procurement_id=request.id, sop_step=change.sop_step)
        return await _answer(uow, request)

    return await perform(unit_of_work, action, _load(request_id), act)


async def return_request(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, request_id: UUID, reason: str
) -> Outcome:
    """Step 4: the addressed official returns the request to the PPK, saying why."""

    async def act(uow: CompetitionUnitOfWork, request: PurchaseRequest) -> Outcome:
        principal = caller_of(uow)
        _check_addressee(principal, request)
        pr.remember_email(request, role_of(uow), principal.sub, principal.email)
        change = pr.return_to_ppk(request, reason, role_of(uow))
        await save_request_change(uow, request, change)
        payload = PurchaseRequestReturned(
            purchase_request_id=request.id, official=party_of(principal), reason=reason
        )
        await uow.record(payload, procurement_id=request.id, sop_step=change.sop_step)
        return await _answer(uow, request)

    return await perform(unit_of_work, action, _load(request_id), act)


async def get_request(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, request_id: UUID
) -> dict[str, Any]:
    async with unit_of_work(action.caller) as uow:
        request = await visible_request(uow, request_id)
        return await request_view(uow, caller_of(uow), request)


async def list_requests(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    limit: int,
    after: tuple[datetime, UUID] | None,
    state: str | None,
    overdue: bool | None = None,
    mine: bool = False,
) -> tuple[list[dict[str, Any]], tuple[datetime, UUID] | None]:
    """The requests the caller may see, oldest first; the last (created_at, id) if full.
    ``overdue``: only those whose open turn is (true) or is not (false) past due; ``mine``:
    only those whose open turn is the caller's ("my work")."""
    async with unit_of_work(action.caller) as uow:
        principal = caller_of(uow)
        buyer = None if principal.reads_everything else (principal.work_unit, principal.sub)
        work = work_filter(uow, overdue, mine)
        found = await uow.requests.page(limit, after, state, buyer, work)
        items = await request_views(uow, principal, [request for request, _ in found])
    last = (found[-1][1], found[-1][0].id) if len(found) == limit else None
    return items, last


async def request_documents(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, request_id: UUID
) -> list[DocumentRef]:
    """The documents of a request the caller may see (NotFound otherwise), oldest first."""
    async with unit_of_work(action.caller) as uow:
        request = await visible_request(uow, request_id)
        return await uow.documents_of(request.id)


async def request_document(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, request_id: UUID, document_id: UUID
) -> DocumentRef:
    """One document of a visible request: a document of another owner is NotFound here, so
    an id never leads past the request's rules."""
    for document in await request_documents(unit_of_work, action, request_id):
        if document.id == document_id:
            return document
    raise NotFound(f"document {document_id} not found", "dokumen tidak ditemukan")
