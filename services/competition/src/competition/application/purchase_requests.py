"""Use cases of the purchase request (SOP steps 1–4)."""

from datetime import tzinfo
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import procurement_repository as repo
from competition.application.common import (
    check_version,
    emit,
    is_buyer_of,
    party_of,
    record_change,
)
from competition.domain import purchase_request as pr
from competition.domain.purchase_request import Change, Official, PurchaseRequest
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.competition import (
    PurchaseRequestAccepted,
    PurchaseRequestReturned,
    PurchaseRequestSubmitted,
)
from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.http.problems import Forbidden, NotFound, Unavailable
from epurchasing_shared.persistence import list_documents, load_document_row, save_document
from epurchasing_shared.service import Runtime

AGGREGATE = "purchase_request"


def zone_of(runtime: Runtime) -> tzinfo:
    return runtime.settings.zone


def may_see_request(principal: Principal, request: PurchaseRequest) -> bool:
    """PPK or official of the work unit, the official it is addressed to, admin, auditor."""
    if principal.reads_everything or is_buyer_of(principal, request.work_unit):
        return True
    addressed = request.official is not None and request.official.id == principal.sub
    return principal.role is Role.PROCUREMENT_OFFICIAL and addressed


async def visible_request(
    session: AsyncSession, principal: Principal, request_id: UUID, for_update: bool = False
) -> PurchaseRequest:
    """The request, or 404 when it does not exist or is not the caller's to see."""
    request = await repo.load_request(session, request_id, for_update)
    if request is None or not may_see_request(principal, request):
        raise NotFound(f"purchase request {request_id} not found")
    return request


async def save_request_change(
    runtime: Runtime,
    session: AsyncSession,
    request: PurchaseRequest,
    change: Change,
    principal: Principal | None,
    documents: list[dict[str, Any]] | None = None,
    actor: Actor | None = None,
) -> None:
    """Save the purchase request and append its change to the procurement's history."""
    await repo.save_request(session, request, runtime.clock.now())
    await record_change(
        runtime,
        session,
        procurement_id=request.id,
        aggregate=AGGREGATE,
        aggregate_id=request.id,
        change=change,
        principal=principal,
        documents=documents,
        actor=actor,
    )


async def draft_request(
    runtime: Runtime, session: AsyncSession, principal: Principal, data: dict[str, Any]
) -> PurchaseRequest:
    """Step 1–2: the PPK writes the request as a draft of their work unit."""
    assert principal.work_unit is not None  # a PPK token always carries it
    request = PurchaseRequest(
        id=uuid4(),
        work_unit=principal.work_unit,
        ppk_id=principal.sub,
        ppk_name=principal.name,
        **data,
    )
    pr.check_draft_data(request, runtime.clock.now().astimezone(zone_of(runtime)).date())
    await repo.add_request(session, request, runtime.clock.now())
    change = Change("draft", "", pr.DRAFT, "1")
    await record_change(
        runtime,
        session,
        procurement_id=request.id,
        aggregate=AGGREGATE,
        aggregate_id=request.id,
        change=change,
        principal=principal,
    )
    return request


async def edit_request(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    request_id: UUID,
    changes: dict[str, Any],
    if_match: int | None,
) -> PurchaseRequest:
    """Step 2: change the draft's data."""
    request = await visible_request(session, principal, request_id, for_update=True)
    check_version(if_match, request.version)
    today = runtime.clock.now().astimezone(zone_of(runtime)).date()
    change = pr.edit_draft(request, changes, today)
    await save_request_change(runtime, session, request, change, principal)
    return request


async def attach_request_document(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    request_id: UUID,
    kind: str,
    upload: Upload,
) -> tuple[PurchaseRequest, dict[str, object]]:
    """Step 2: the nota dinas or the specification, stored with its SHA-256."""
    request = await visible_request(session, principal, request_id, for_update=True)
    change = pr.attach_document(request, kind)
    ref = await save_document(
        session,
        runtime.spine.documents,
        runtime.documents,
        upload,
        kind=kind,
        owner_kind=AGGREGATE,
        owner_id=request.id,
        procurement_id=request.id,
        uploaded_by=principal.sub,
        at=runtime.clock.now(),
    )
    await save_request_change(runtime, session, request, change, principal, [ref.as_dict()])
    return request, ref.as_dict()


async def submit_request(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    request_id: UUID,
    official: Official | None,
) -> PurchaseRequest:
    """Step 3: send the request to the named procurement official."""
    request = await visible_request(session, principal, request_id, for_update=True)
    change = pr.submit(request, official)
    await save_request_change(runtime, session, request, change, principal)
    assert request.official is not None
    payload = PurchaseRequestSubmitted(
        purchase_request_id=request.id,
        title=request.title,
        rup_code=request.rup_code,
        fiscal_year=request.fiscal_year,
        pagu=request.pagu,
        work_unit=request.work_unit,
        ppk=party_of(principal),
        official=Party(id=request.official.id, name=request.official.name),
    )
    await emit(
        runtime, session, payload, procurement_id=request.id, principal=principal, sop_step="3"
    )
    return request


def _check_addressee(principal: Principal, request: PurchaseRequest) -> None:
    if request.official is None or request.official.id != principal.sub:
        raise Forbidden("the request is addressed to another procurement official")


async def accept_request(
    runtime: Runtime, session: AsyncSession, principal: Principal, request_id: UUID
) -> PurchaseRequest:
    """Step 4: the addressed official receives the request."""
    request = await visible_request(session, principal, request_id, for_update=True)
    _check_addressee(principal, request)
    change = pr.accept(request)
    await save_request_change(runtime, session, request, change, principal)
    payload = PurchaseRequestAccepted(purchase_request_id=request.id, official=party_of(principal))
    await emit(
        runtime, session, payload, procurement_id=request.id, principal=principal, sop_step="4"
    )
    return request


async def return_request(
    runtime: Runtime, session: AsyncSession, principal: Principal, request_id: UUID, reason: str
) -> PurchaseRequest:
    """Step 4: the addressed official returns the request to the PPK, saying why."""
    request = await visible_request(session, principal, request_id, for_update=True)
    _check_addressee(principal, request)
    change = pr.return_to_ppk(request, reason)
    await save_request_change(runtime, session, request, change, principal)
    payload = PurchaseRequestReturned(
        purchase_request_id=request.id, official=party_of(principal), reason=reason
    )
    await emit(
        runtime, session, payload, procurement_id=request.id, principal=principal, sop_step="4"
    )
    return request


async def request_documents(
    runtime: Runtime, session: AsyncSession, principal: Principal, request_id: UUID
) -> list[DocumentRef]:
    """The documents of a request the caller may see (404 otherwise), oldest first."""
    request = await visible_request(session, principal, request_id)
    return await list_documents(session, runtime.spine.documents, request.id)


async def request_document(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    request_id: UUID,
    document_id: UUID,
) -> tuple[DocumentRef, Path]:
    """One document of a visible request and where its content is stored.

    A document of another owner is 404 here, so an id never leads past the request's rules.
    """
    request = await visible_request(session, principal, request_id)
    row = await load_document_row(session, runtime.spine.documents, document_id)
    if row["owner_kind"] != AGGREGATE or row["owner_id"] != request.id:
        raise NotFound(f"document {document_id} not found")
    ref = DocumentRef(**{name: row[name] for name in DocumentRef.__dataclass_fields__})
    path = runtime.documents.path_of(ref.sha256)
    if not path.is_file():  # the store lost a file the database still names
        raise Unavailable(f"the content of document {document_id} is not available")
    return ref, path
