"""Use cases of the competition before offers (SOP steps 6–9) and who may see one."""

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from competition.application.access import may_see_competition
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from competition.application.purchase_requests import (
    caller_of,
    save_request_change,
    visible_request,
)
from competition.application.views import competition_view
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import Competition, CompetitionItem
from competition.domain.errors import RuleViolation
from competition.domain.offers import product_fits
from epurchasing_shared.contracts import competition as contracts
from epurchasing_shared.kernel.actions import ActionRequest, create, perform
from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import CALLER, Outcome

AGGREGATE = "competition"


async def visible_competition(
    uow: CompetitionUnitOfWork, competition_id: UUID, for_update: bool = False
) -> Competition:
    """The competition (locked if asked); NotFound when the caller may not see it. The
    system (no principal) sees every competition."""
    competition = await uow.competitions.get(competition_id, for_update)
    principal = uow.caller.principal
    if competition is None or (
        principal is not None and not may_see_competition(principal, competition)
    ):
        raise NotFound(f"competition {competition_id} not found", "kompetisi tidak ditemukan")
    return competition


def load_competition(competition_id: UUID):  # type: ignore[no-untyped-def]
    """``perform``'s loader: the caller's competition, locked until commit."""

    async def load(uow: CompetitionUnitOfWork) -> Competition:
        return await visible_competition(uow, competition_id, for_update=True)

    return load


async def log_competition(
    uow: CompetitionUnitOfWork,
    competition: Competition,
    change: Change,
    ranking: list[dict[str, Any]] | None = None,
    actor: Any = CALLER,
    close_turn: bool = True,
) -> None:
    """Save the competition and append its change to the procurement's history."""
    await uow.competitions.save(competition, uow.now(), ranking)
    await history_of_competition(uow, competition, change, actor, close_turn)


async def history_of_competition(
    uow: CompetitionUnitOfWork,
    competition: Competition,
    change: Change,
    actor: Any = CALLER,
    close_turn: bool = True,
) -> None:
    """The competition's history entry; the turn the change hands over (always the
    official's) goes to the official the purchase request is addressed to, in the
    competition's work unit, whoever acted (another official of the unit, the system)."""
    holder = None
    if change.time_standard is not None:
        request = await uow.requests.get(competition.purchase_request_id)
        holder = request.turn_holder(change.time_standard.actor) if request else None
    await uow.history(
        change,
        procurement_id=competition.purchase_request_id,
        aggregate=AGGREGATE,
        aggregate_id=competition.id,
        actor=actor,
        actor_id=holder,
        work_unit=competition.work_unit,
        close_turn=close_turn,
    )


async def answer(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
    return Outcome(await competition_view(uow, caller_of(uow), competition))


async def _competed(
    uow: CompetitionUnitOfWork, kind: str, product_id: UUID | None, category: str | None
) -> tuple[str, str | None]:
    """The category and (product kind) product name being competed."""
    if kind == "product":
        found = await uow.catalogue.products_by_ids([product_id] if product_id else [])
        if product_id is None or product_id not in found:
            raise RuleViolation.one(
                "product_id", "no such catalogue product", "produk katalog tidak ditemukan"
            )
        return found[product_id].category, found[product_id].name
    if not category:
        raise RuleViolation.one(
            "category",
            "a specification competition names a category",
            "kompetisi spesifikasi harus menyebut kategori",
        )
    return category, None


async def create_competition(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    request_id: UUID,
    kind: cp.Kind,
    product_id: UUID | None,
    category: str | None,
) -> Outcome:
    """Steps 6–7: a draft competition of an accepted request; the request is then competing."""

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        request = await visible_request(uow, request_id, for_update=True)
        competed_category, product_name = await _competed(uow, kind, product_id, category)
        principal = caller_of(uow)
        pr.remember_email(request, str(principal.role), principal.sub, principal.email)
        change = pr.start_competition(request, str(principal.role))
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
        await save_request_change(uow, request, change)
        await uow.competitions.add(competition, uow.now())
        await history_of_competition(uow, competition, cp.created(competition))
        return Outcome(
            await competition_view(uow, caller_of(uow), competition),
            created=True,
            location=f"/competitions/{competition.id}",
        )

    return await create(unit_of_work, action, act)


async def edit_competition(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    competition_id: UUID,
    changes: dict[str, Any],
    rules: Rules,
) -> Outcome:
    """Step 8: items and quantities (never more than the request asks for), pagu (at most
    the request's), delivery deadline (not past, not years ahead), while a draft."""

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        request = await uow.requests.get(competition.purchase_request_id)
        assert request is not None
        if changes.get("pagu", competition.pagu) > request.pagu:
            raise RuleViolation.one(
                "pagu",
                f"above the purchase request's pagu Rp{request.pagu}",
                f"melebihi pagu permintaan pembelian Rp{request.pagu}",
            )
        if "items" in changes:
            requested = [(i.description, i.quantity, i.unit) for i in request.items]
            cp.check_items_within_request(changes["items"], requested)
        deadline = changes.get("delivery_deadline")
        if deadline is not None:
            _check_delivery_deadline(deadline, uow.now().astimezone(rules.zone).date())
        role = str(caller_of(uow).role)
        cp.COMPETITION_MACHINE.check("edit", competition.state, role)
        for name, value in changes.items():
            setattr(competition, name, value)
        cp.check_competition_data(competition)
        change = competition.move("edit", role, uow.now())
        await log_competition(uow, competition, change, close_turn=False)
        return await answer(uow, competition)

    return await perform(unit_of_work, action, load_competition(competition_id), act)


def _check_delivery_deadline(deadline: date, today: date) -> None:
    if deadline < today:
        raise RuleViolation.one(
            "delivery_deadline",
            "the delivery deadline is in the past",
            "batas waktu pengiriman sudah lewat",
        )
    if deadline > pr.latest_delivery_date(today):
        raise RuleViolation.one(
            "delivery_deadline",
            f"the delivery deadline is more than {pr.DELIVERY_YEARS_AHEAD} years ahead",
            f"batas waktu pengiriman lebih dari {pr.DELIVERY_YEARS_AHEAD} tahun ke depan",
        )


async def eligible_vendors(
    uow: CompetitionUnitOfWork, competition: Competition, rules: Rules
) -> list[UUID]:
    """Vendors with a fitting catalogue product, not blacklisted now (LKPP; SOP 11b)."""
    listed = await uow.catalogue.products_in_category(competition.category)
    vendor_ids = {p.vendor_id for p in listed if product_fits(competition, p)}
    entries = await uow.catalogue.blacklist_of(vendor_ids)
    now = uow.now()
    return [v for v in vendor_ids if not is_blacklisted(entries.get(v, []), now, rules.zone)]


def _opened_event(competition: Competition) -> contracts.CompetitionOpened:
    assert competition.offer_deadline is not None
    return contracts.CompetitionOpened(
        competition_id=competition.id,
        purchase_request_id=competition.purchase_request_id,
        kind=competition.kind,
        offer_deadline=competition.offer_deadline,
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


async def open_competition(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    competition_id: UUID,
    offer_deadline: datetime,
    rules: Rules,
) -> Outcome:
    """Step 9: set the offer deadline; the eligible vendors are told by competition_opened."""

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        eligible = await eligible_vendors(uow, competition, rules)
        now = uow.now()
        # The evaluation turn is due 1 working day after the deadline: the offer period's
        # working days (by the service's calendar) come before it.
        period = max(uow.calendar.working_days_between(now, offer_deadline), 0)
        change = cp.open_competition(competition, offer_deadline, eligible, now, period)
        await log_competition(uow, competition, change)
        await uow.record(
            _opened_event(competition),
            procurement_id=competition.purchase_request_id,
            sop_step=change.sop_step,
        )
        return await answer(uow, competition)

    return await perform(unit_of_work, action, load_competition(competition_id), act)


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
