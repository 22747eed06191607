"""What the API shows of a package: its data, rounds, order, e-mail and allowed actions."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.kernel.errors import ActionNotAllowed, NotFound, RuleViolation
from epurchasing_shared.kernel.unit_of_work import Caller, turn_view
from epurchasing_shared.mail import QueuedEmail
from epurchasing_shared.pages import PageParams, encode_cursor
from epurchasing_shared.principal import Principal
from ordering.application.letters import GENERATED_KIND, letter_filename
from ordering.application.payloads import lines_to_json, prices_to_json
from ordering.application.ports import OrderingUnitOfWork
from ordering.domain.negotiation import NegotiationRound
from ordering.domain.package import Package
from ordering.domain.purchase_order import PurchaseOrder


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def package_summary(
    package: Package, principal: Principal, turn: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A package as a list shows it; ``turn``: its open turn's view (:func:`turn_of`)."""
    return {
        "id": str(package.id),
        "procurement_id": str(package.procurement_id),
        "competition_id": str(package.competition_id),
        "title": package.title,
        "rup_code": package.rup_code,
        "fiscal_year": package.fiscal_year,
        "work_unit": package.work_unit,
        "ppk": {"id": package.ppk.id, "name": package.ppk.name},
        "official": {"id": package.official.id, "name": package.official.name},
        "vendor": {"id": str(package.vendor.id), "name": package.vendor.name},
        "state": package.state.value,
        "version": package.version,
        "lines": lines_to_json(package.lines),
        "shipping_cost": package.shipping_cost,
        "total": package.total,
        "pagu": package.pagu,
        "delivery_address": package.delivery_address,
        "delivery_deadline": package.delivery_deadline.isoformat(),
        "cancel_reason": package.cancel_reason,
        "allowed_actions": package.allowed_actions(principal.role.value),
        "turn": turn,
    }


async def turn_of(uow: OrderingUnitOfWork, package: Package) -> dict[str, Any] | None:
    """Whose turn it is on the package now (SOP step, actor, due, overdue), or None."""
    return turn_view(await uow.open_turn(package.id), uow.now())


def _round(r: NegotiationRound) -> dict[str, Any]:
    return {
        "round": r.number,
        "status": r.status.value,
        "proposed_prices": prices_to_json(r.proposal.prices),
        "proposed_shipping_cost": r.proposal.shipping_cost,
        "proposed_by": r.proposed_by,
        "proposed_at": _iso(r.proposed_at),
        "note": r.note,
        "counter_prices": prices_to_json(r.counter.prices) if r.counter else None,
        "counter_shipping_cost": r.counter.shipping_cost if r.counter else None,
        "answered_by": r.answered_by,
        "answered_at": _iso(r.answered_at),
        "reason": r.answer_reason,
    }


def _order(order: PurchaseOrder | None) -> dict[str, Any] | None:
    if order is None:
        return None
    return {
        "id": str(order.id),
        "number": order.number,
        "order_date": order.order_date.isoformat(),
        "original_total": order.original_total,
        "version": order.current_version,
        "acknowledged_at": _iso(order.acknowledged_at),
        # BAST (26), recorded from delivery.goods_handed_over.v1: no addendum after it.
        "handed_over_at": _iso(order.handed_over_at),
        "versions": [
            {
                "version": v.version,
                "lines": lines_to_json(v.terms.lines),
                "shipping_cost": v.terms.shipping_cost,
                "total": v.terms.total,
                "delivery_deadline": v.terms.delivery_deadline.isoformat(),
                "signatory": v.terms.signatory,
                "terms": v.terms.terms,
                "reason": v.reason,
                "document_id": str(v.document_id),
                "created_at": v.created_at.isoformat(),
            }
            for v in order.versions
        ],
    }


def _email(email: QueuedEmail | None) -> dict[str, Any] | None:
    if email is None:
        return None
    return {
        "status": email.status,
        "recipient": email.recipient,
        "attempts": email.attempts,
        "last_error": email.last_error,
        "message_id": email.message_id,
        "sent_at": _iso(email.sent_at),
    }


def detail_view(
    package: Package,
    principal: Principal,
    turn: dict[str, Any] | None,
    vendor_email: QueuedEmail | None,
) -> dict[str, Any]:
    """The full view of one package for the caller; ``turn``: its open turn's view
    (:func:`turn_of`), ``vendor_email``: its step-15 e-mail."""
    view = package_summary(package, principal, turn)
    view["negotiation"] = [_round(r) for r in package.rounds]
    view["purchase_order"] = _order(package.order)
    view["vendor_email"] = _email(vendor_email)
    return view


async def package_detail(
    uow: OrderingUnitOfWork, package: Package, principal: Principal
) -> dict[str, Any]:
    """The full view of one package for the caller, as this unit of work leaves it (a step's
    answer: the turn it opened, the e-mail it queued)."""
    turn = await turn_of(uow, package)
    return detail_view(package, principal, turn, await uow.vendor_emails.of_package(package.id))


def _not_found(package_id: UUID) -> NotFound:
    return NotFound(f"package {package_id} not found", f"paket {package_id} tidak ditemukan")


async def _visible(uow: OrderingUnitOfWork, principal: Principal, package_id: UUID) -> Package:
    package = await uow.packages.get(package_id)
    if package is None or not package.visible_to(principal):
        raise _not_found(package_id)
    return package


async def get_package(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork], principal: Principal, package_id: UUID
) -> dict[str, Any]:
    """The package's view, read in one go with its open turn and its e-mail (it is polled)."""
    async with unit_of_work(Caller(principal)) as uow:
        shown = await uow.packages.get_shown(package_id)
        if shown is None or not shown.package.visible_to(principal):
            raise _not_found(package_id)
        turn = turn_view(shown.turn, uow.now())
        return detail_view(shown.package, principal, turn, shown.vendor_email)


async def _documents_of(uow: OrderingUnitOfWork, package: Package) -> list[DocumentRef]:
    """Every document uploaded in ordering for the package: kept under the package itself or
    under its purchase order (the signed Surat Pesanan and the addenda), oldest first."""
    owners = [package.id] + ([package.order.id] if package.order else [])
    found = [ref for refs in (await uow.documents_of_many(owners)).values() for ref in refs]
    versions = [v.document_id for v in package.order.versions] if package.order else []

    def position(ref: DocumentRef) -> tuple[Any, int, str]:
        rank = versions.index(ref.id) if ref.id in versions else len(versions)
        return ref.uploaded_at, rank, str(ref.id)

    return sorted(found, key=position)


async def package_documents(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork], principal: Principal, package_id: UUID
) -> list[DocumentRef]:
    """The package's documents, for whoever may see the package (404 for anyone else)."""
    async with unit_of_work(Caller(principal)) as uow:
        return await _documents_of(uow, await _visible(uow, principal, package_id))


async def package_document(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork],
    principal: Principal,
    package_id: UUID,
    document_id: UUID,
) -> DocumentRef:
    """One document of the package (404 when it is not one of the package's)."""
    async with unit_of_work(Caller(principal)) as uow:
        package = await _visible(uow, principal, package_id)
        for ref in await _documents_of(uow, package):
            if ref.id == document_id:
                return ref
    raise NotFound(f"document {document_id} not found", f"dokumen {document_id} tidak ditemukan")


def cursor_position(cursor: list[Any]) -> tuple[datetime, UUID]:
    """(created_at, id) from a cursor this service gave out; anything else -- wrong length,
    non-strings, a date without offset, not a UUID -- is a 422 naming ``cursor``."""
    invalid = RuleViolation.one(
        "cursor",
        "the cursor is not one this service gave out",
        "kursor ini bukan kursor yang diberikan layanan ini",
    )
    if len(cursor) != 2 or not all(isinstance(value, str) for value in cursor):
        raise invalid
    try:
        created_at, package_id = datetime.fromisoformat(cursor[0]), UUID(cursor[1])
    except ValueError as error:
        raise invalid from error
    if created_at.tzinfo is None:  # compared with a timestamptz column
        raise invalid
    return created_at, package_id


async def list_visible_packages(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork],
    principal: Principal,
    state: str | None,
    page: PageParams,
    *,
    overdue: bool | None = None,
    mine: bool = False,
    procurement_id: UUID | None = None,
) -> dict[str, Any]:
    """A page of the packages the caller may see, with the cursor of the next page;
    ``overdue``: whose open turn is (not) past due; ``mine``: whose open turn is the
    caller's ("my work": a PPK or official by user id and work unit, a vendor by vendor id);
    ``procurement_id``: one procurement's packages."""
    after = None if page.cursor is None else cursor_position(page.cursor)
    async with unit_of_work(Caller(principal)) as uow:
        found = await uow.packages.list_visible(
            principal,
            procurement_id=procurement_id,
            state=state,
            limit=page.limit + 1,
            after=after,
            overdue=overdue,
            mine=mine,
            now=uow.now(),
        )
        items, more = found[: page.limit], len(found) > page.limit
        turns, now = await uow.open_turns(p.id for p in items), uow.now()
        views = [package_summary(p, principal, turn_view(turns.get(p.id), now)) for p in items]
    cursor = encode_cursor(items[-1].created_at.isoformat(), items[-1].id) if more else None
    return {"items": views, "next_cursor": cursor}


async def generated_purchase_order(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork],
    principal: Principal,
    package_id: UUID,
    version: int | None,
) -> DocumentRef:
    """The generated Surat Pesanan of one version of the package's order (default: the
    newest), for whoever may see the package (404 for anyone else); 409 before the order is
    issued (21), 404 for a version the order does not have."""
    async with unit_of_work(Caller(principal)) as uow:
        package = await _visible(uow, principal, package_id)
        order = package.order
        if order is None:
            raise ActionNotAllowed(
                "download_purchase_order",
                str(package.state),
                package.allowed_actions(str(principal.role)),
                detail="the purchase order (Surat Pesanan) has not been issued yet",
                detail_id="Surat Pesanan belum diterbitkan",
            )
        wanted = order.current_version if version is None else version
        if wanted not in {v.version for v in order.versions}:
            raise NotFound(
                f"the purchase order has no version {wanted}",
                f"Surat Pesanan tidak memiliki versi {wanted}",
            )
        filename = letter_filename(order.number, wanted)
        for ref in await uow.documents_of(order.id):
            if ref.kind == GENERATED_KIND and ref.filename == filename:
                return ref
    raise NotFound(
        f"no generated Surat Pesanan is kept for version {wanted}",
        f"Surat Pesanan versi {wanted} tidak dibuat oleh sistem",
    )
