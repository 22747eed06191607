"""Use cases of the vendors' offers (SOP step 10): sealed, revisable, withdrawable."""

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import catalogue_repository as catalogue
from competition.adapters import procurement_repository as repo
from competition.application.common import emit, record_change
from competition.application.competitions import visible_competition
from competition.application.purchase_requests import zone_of
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import Competition, check_offers_open
from competition.domain.errors import VendorBarred
from competition.domain.offers import Offer, OfferTerms, check_offer
from competition.domain.purchase_request import Change
from epurchasing_shared.auth import Principal
from epurchasing_shared.contracts.competition import OfferSubmitted
from epurchasing_shared.http.problems import Conflict, NotFound
from epurchasing_shared.service import Runtime

AGGREGATE = "offer"


async def _competition_for_vendor(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition_id: UUID
) -> Competition:
    """The competition, after refusing a blacklisted vendor (403) and a non-eligible one (404)."""
    assert principal.vendor_id is not None
    # Locked: an offer and the evaluation never interleave.
    competition = await repo.load_competition(session, competition_id, for_update=True)
    if competition is None:
        raise NotFound(f"competition {competition_id} not found")
    entries = await catalogue.blacklist_of(session, [principal.vendor_id])
    if is_blacklisted(entries.get(principal.vendor_id, []), runtime.clock.now(), zone_of(runtime)):
        raise VendorBarred("the vendor is on the blacklist (daftar hitam) and may not offer")
    return await visible_competition(session, principal, competition_id)


async def _record_offer(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    competition: Competition,
    offer: Offer,
    change: Change,
) -> None:
    await record_change(
        runtime,
        session,
        procurement_id=competition.purchase_request_id,
        aggregate=AGGREGATE,
        aggregate_id=offer.id,
        change=change,
        principal=principal,
    )
    if change.action == "withdraw_offer":
        return
    # Sealed: the event names the vendor and the time, never a price.
    payload = OfferSubmitted(
        competition_id=competition.id,
        offer_id=offer.id,
        vendor_id=offer.vendor_id,
        submitted_at=offer.submitted_at,
        revision=offer.revision,
    )
    await emit(
        runtime,
        session,
        payload,
        procurement_id=competition.purchase_request_id,
        principal=principal,
        sop_step="10",
    )


async def submit_offer(
    runtime: Runtime,
    session: AsyncSession,
    principal: Principal,
    competition_id: UUID,
    terms: OfferTerms,
    revise: bool,
) -> tuple[Offer, int]:
    """Submit (``revise=False``) or revise the vendor's offer; the latest revision counts."""
    action = "revise_offer" if revise else "submit_offer"
    competition = await _competition_for_vendor(runtime, session, principal, competition_id)
    now = runtime.clock.now()
    check_offers_open(competition, action, now)
    assert principal.vendor_id is not None
    current = await catalogue.offer_of_vendor(session, competition.id, principal.vendor_id, True)
    live = current is not None and not current.withdrawn
    if revise and not live:
        raise NotFound("no offer of this vendor to revise")
    if not revise and live:
        raise Conflict("this vendor has an offer already: revise it with PUT offers/mine")
    products = await catalogue.products_by_ids(session, [line.product_id for line in terms.lines])
    price = check_offer(competition, principal.vendor_id, terms, products)
    offer = Offer(
        id=current.id if current else uuid4(),
        competition_id=competition.id,
        vendor_id=principal.vendor_id,
        terms=terms,
        revision=current.revision + 1 if current else 1,
        submitted_at=now,
    )
    await catalogue.save_offer(session, offer, price, exists=current is not None)
    before = "submitted" if live else "withdrawn" if current else ""
    change = Change(action, before, "submitted", "10")
    await _record_offer(runtime, session, principal, competition, offer, change)
    return offer, price


async def withdraw_offer(
    runtime: Runtime, session: AsyncSession, principal: Principal, competition_id: UUID
) -> None:
    """The vendor takes its offer back before the deadline."""
    competition = await _competition_for_vendor(runtime, session, principal, competition_id)
    check_offers_open(competition, "withdraw_offer", runtime.clock.now())
    assert principal.vendor_id is not None
    current = await catalogue.offer_of_vendor(session, competition.id, principal.vendor_id, True)
    if current is None or current.withdrawn:
        raise NotFound("no offer of this vendor to withdraw")
    await catalogue.withdraw_offer_row(session, current.id, runtime.clock.now())
    change = Change("withdraw_offer", "submitted", "withdrawn", "10")
    await _record_offer(runtime, session, principal, competition, current, change)
