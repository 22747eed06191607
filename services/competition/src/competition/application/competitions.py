"""Use cases of the competition before offers (SOP steps 6–9) and who may see one."""

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import catalogue_repository as catalogue
from competition.adapters import procurement_repository as repo
from competition.application.common import check_version, emit, is_buyer_of, record_change
from competition.application.purchase_requests import (
    save_request_change,
    visible_request,
    zone_of,
)
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import Competition, CompetitionItem
from competition.domain.errors import RuleViolation
from competition.domain.offers import product_fits
from competition.domain.purchase_request import Change
from epurchasing_shared.auth import Principal, Role
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.http.problems import NotFound
from epurchasing_shared.service import Runtime

AGGREGATE = "competition"


def may_see_competition(principal: Principal, competition: Competition) -> bool:
    """Buyers of the work unit, admin, auditor, and the vendors eligible to offer."""
    if principal.reads_everything or is_buyer_of(principal, competition.work_unit):
        return True
    return principal.role is Role.VENDOR and principal.vendor_id in competition.eligible_vendor_ids


def sees_offers_before_deadline(principal: Principal, competition: Competition) -> bool:
    """Who may see the offers while they are sealed: the procurement official of the
    competition's work unit (api.md gives the leaderboard to the official, steps 10–11), and
    admin and auditor, who read everything (domain.md, "Actors and who does what"). Not the
    PPK: it learns who offered what once the deadline has passed."""
    if principal.reads_everything:
        return True
    return (
        principal.role is Role.PROCUREMENT_OFFICIAL and principal.work_unit == competition.work_unit
    )


def offers_sealed_for(principal: Principal, competition: Competition, now: datetime) -> bool:
    """Whether the competition's offers (vendors and prices) are still hidden from the caller."""
    if competition.offers_closed(now):
        return False
    return not sees_offers_before_deadline(principal, competition)


async def visible_competition(
    session: AsyncSession, principal: Principal, competition_id: UUID, for_update: bool = False
) -> Competition:
    competition = await repo.load_competition(session, competition_id, for_update)
    if competition is None or not may_see_competition(principal, competition):
        raise NotFound(f"competition {competition_id} not found")
    return competition


async def log_competition(
    runtime: Runtime,
    session: AsyncSession,
    competition: Competition,
    change: Change,
    principal: Principal | None,
    ranking: list[dict[str, Any]] | None = None,
    actor: Actor | None = None,
) -> None:
    """Save the competition and append its change to the procurement's history."""
    await repo.save_competition(session, competition, runtime.clock.now(), ranking)
    await record_change(
        runtime,
        session,
        procurement_id=competition.purchase_request_id,
        aggregate=AGGREGATE,
        aggregate_id=competition.id,
        change=change,
        principal=principal,
        actor=actor,
    )


async def _competed(
    session: AsyncSession, kind: str, product_id: UUID | None, category: str | None
) -> tuple[str, str | None]:
    """The category and (product kind) product name being competed."""
    if kind == "product":
        found = await catalogue.products_by_ids(session, [product_id] if product_id else [])
        if product_id not in found:
            raise RuleViolation.one("product_id", "no such catalogue product")
        return found[product_id].category, found[product_id].name
    if not category:
        raise RuleViolation.one("category", "a specification competition names a category")
    return category, None


async def create_competition(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    request_id: UUID,
    kind: cp.Kind,
    product_id: UUID | None,
    category: str | None,
) -> Competition:
    """Steps 6–7: a draft competition of an accepted request; the request is then competing."""
    request = await visible_request(session, principal, request_id, for_update=True)
    competed_category, product_name = await _competed(session, kind, product_id, category)
    change = pr.start_competition(request)
    competition = Competition(
        id=uuid4(),
        purchase_request_id=request.id,
        work_unit=request.work_unit,
        kind=kind,
        category=competed_category,
        product_id=product_id if kind == "product" else None,
        product_name=product_name,
        pagu=request.pagu,
        delivery_deadline=request.delivery_date,
        items=[
            CompetitionItem(
                line_no=i, description=item.description, quantity=item.quantity, unit=item.unit
            )
            for i, item in enumerate(request.items, start=1)
        ],
    )
    cp.check_competition_data(competition)
    now = runtime.clock.now()
    await save_request_change(runtime, session, request, change, principal)
    await repo.add_competition(session, competition, now)
    created = Change("create", "", cp.DRAFT, "7")
    await record_change(
        runtime,
        session,
        procurement_id=request.id,
        aggregate=AGGREGATE,
        aggregate_id=competition.id,
        change=created,
        principal=principal,
    )
    return competition


async def edit_competition(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    competition_id: UUID,
    changes: dict[str, Any],
    if_match: int | None,
) -> Competition:
    """Step 8: items and quantities, pagu, delivery deadline, while a draft."""
    competition = await visible_competition(session, principal, competition_id, for_update=True)
    check_version(if_match, competition.version)
    request = await repo.load_request(session, competition.purchase_request_id)
    assert request is not None
    if changes.get("pagu", competition.pagu) > request.pagu:
        raise RuleViolation.one("pagu", f"above the purchase request's pagu Rp{request.pagu}")
    before = competition.state
    cp.COMPETITION_MACHINE.check("edit", before, str(principal.role))
    for name, value in changes.items():
        setattr(competition, name, value)
    cp.check_competition_data(competition)
    competition.move("edit", str(principal.role), runtime.clock.now())
    await log_competition(
        runtime, session, competition, Change("edit", before, before, "8"), principal
    )
    return competition


async def eligible_vendors(
    runtime: Runtime, session: AsyncSession, competition: Competition
) -> list[UUID]:
    """Vendors with a fitting catalogue product, not blacklisted now (LKPP; SOP 11b)."""
    listed = await catalogue.products_in_category(session, competition.category)
    vendor_ids = {p.vendor_id for p in listed if product_fits(competition, p)}
    entries = await catalogue.blacklist_of(session, vendor_ids)
    now, zone = runtime.clock.now(), zone_of(runtime)
    return [v for v in vendor_ids if not is_blacklisted(entries.get(v, []), now, zone)]


async def open_competition(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    competition_id: UUID,
    offer_deadline: datetime,
) -> Competition:
    """Step 9: set the offer deadline; the eligible vendors are told by competition_opened."""
    competition = await visible_competition(session, principal, competition_id, for_update=True)
    eligible = await eligible_vendors(runtime, session, competition)
    before = cp.open_competition(competition, offer_deadline, eligible, runtime.clock.now())
    await log_competition(
        runtime, session, competition, Change("open", before, cp.OPEN, "9"), principal
    )
    payload = contracts.CompetitionOpened(
        competition_id=competition.id,
        purchase_request_id=competition.purchase_request_id,
        kind=competition.kind,
        offer_deadline=offer_deadline,
        eligible_vendor_ids=competition.eligible_vendor_ids,
        items=[
            contracts.CompetitionItem(
                line_no=i.line_no,
                category=competition.category,
                product_id=competition.product_id,
                description=i.description,
                quantity=i.quantity,
                unit=i.unit,
            )
            for i in competition.items
        ],
    )
    await emit(
        runtime,
        session,
        payload,
        procurement_id=competition.purchase_request_id,
        principal=principal,
        sop_step="9",
    )
    return competition


def competition_changes(
    items: list[dict[str, Any]] | None, pagu: int | None, delivery_deadline: date | None
) -> dict[str, Any]:
    """The PATCH body as attribute changes of the domain object."""
    changes: dict[str, Any] = {}
    if items is not None:
        changes["items"] = [CompetitionItem(**item) for item in items]
    if pagu is not None:
        changes["pagu"] = pagu
    if delivery_deadline is not None:
        changes["delivery_deadline"] = delivery_deadline
    return changes
