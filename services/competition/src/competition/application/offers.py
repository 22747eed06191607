"""Use cases of the vendors' offers (SOP step 10): sealed, revisable, withdrawable.

``If-Match`` on submitting names the competition's version; on revising or withdrawing, the
offer's ``revision`` (what the vendor last saw of its own offer)."""

from dataclasses import dataclass
from uuid import UUID, uuid4

from competition.application.competitions import visible_competition
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from competition.application.purchase_requests import caller_of
from competition.application.views import offer_view
from competition.domain.blacklist import is_blacklisted
from competition.domain.competition import Competition, check_offers_open, offer_change
from competition.domain.errors import VendorBarred
from competition.domain.offers import Offer, OfferTerms, check_offer
from epurchasing_shared.contracts.competition import OfferSubmitted
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.errors import Conflict, NotFound
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Outcome

AGGREGATE = "offer"
SUBMITTED, WITHDRAWN = "submitted", "withdrawn"


@dataclass
class VendorOffer:
    """The vendor's offer in a competition; its version is the offer's revision."""

    competition: Competition
    offer: Offer

    @property
    def version(self) -> int:
        return self.offer.revision


async def competition_for_vendor(
    uow: CompetitionUnitOfWork, competition_id: UUID, action: str, rules: Rules
) -> Competition:
    """The competition, locked (an offer and the evaluation never interleave), after
    refusing a blacklisted vendor (403), a non-eligible one (404) and a closed competition."""
    vendor_id = caller_of(uow).vendor_id
    assert vendor_id is not None
    if await uow.competitions.get(competition_id, for_update=True) is None:
        raise NotFound(f"competition {competition_id} not found", "kompetisi tidak ditemukan")
    entries = await uow.catalogue.blacklist_of([vendor_id])
    if is_blacklisted(entries.get(vendor_id, []), uow.now(), rules.zone):
        raise VendorBarred(
            "the vendor is on the blacklist (daftar hitam) and may not offer",
            "penyedia masuk daftar hitam dan tidak boleh mengajukan penawaran",
        )
    competition = await visible_competition(uow, competition_id)
    check_offers_open(competition, action, uow.now())
    return competition


async def _record_offer(
    uow: CompetitionUnitOfWork, competition: Competition, offer: Offer, change: Change
) -> None:
    await uow.history(
        change,
        procurement_id=competition.purchase_request_id,
        aggregate=AGGREGATE,
        aggregate_id=offer.id,
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
    await uow.record(
        payload, procurement_id=competition.purchase_request_id, sop_step=change.sop_step
    )


async def _save_terms(
    uow: CompetitionUnitOfWork,
    competition: Competition,
    terms: OfferTerms,
    current: Offer | None,
    action: str,
) -> Outcome:
    """Check and keep the terms as the vendor's latest revision."""
    vendor_id = caller_of(uow).vendor_id
    assert vendor_id is not None
    products = await uow.catalogue.products_by_ids([line.product_id for line in terms.lines])
    price = check_offer(competition, vendor_id, terms, products)
    offer = Offer(
        id=current.id if current else uuid4(),
        competition_id=competition.id,
        vendor_id=vendor_id,
        terms=terms,
        revision=current.revision + 1 if current else 1,
        submitted_at=uow.now(),
    )
    await uow.catalogue.save_offer(offer, price, exists=current is not None)
    live = current is not None and not current.withdrawn
    before = SUBMITTED if live else WITHDRAWN if current else None
    await _record_offer(uow, competition, offer, offer_change(action, before, SUBMITTED))
    return Outcome(offer_view(offer, price), created=action == "submit_offer")


async def submit_offer(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    competition_id: UUID,
    terms: OfferTerms,
    rules: Rules,
) -> Outcome:
    """Submit the vendor's offer (again after a withdrawal: a new revision)."""

    async def load(uow: CompetitionUnitOfWork) -> Competition:
        return await competition_for_vendor(uow, competition_id, "submit_offer", rules)

    async def act(uow: CompetitionUnitOfWork, competition: Competition) -> Outcome:
        vendor_id = caller_of(uow).vendor_id
        assert vendor_id is not None
        current = await uow.catalogue.offer_of_vendor(competition.id, vendor_id, True)
        if current is not None and not current.withdrawn:
            raise Conflict(
                "this vendor has an offer already: revise it with PUT offers/mine",
                "penyedia ini sudah mengajukan penawaran: ubah dengan PUT offers/mine",
            )
        return await _save_terms(uow, competition, terms, current, "submit_offer")

    return await perform(unit_of_work, action, load, act)


def _live_offer(competition_id: UUID, action: str, rules: Rules, verb: str):  # type: ignore[no-untyped-def]
    async def load(uow: CompetitionUnitOfWork) -> VendorOffer:
        competition = await competition_for_vendor(uow, competition_id, action, rules)
        vendor_id = caller_of(uow).vendor_id
        assert vendor_id is not None
        current = await uow.catalogue.offer_of_vendor(competition.id, vendor_id, True)
        if current is None or current.withdrawn:
            raise NotFound(
                f"no offer of this vendor to {verb}", "penyedia ini belum memiliki penawaran"
            )
        return VendorOffer(competition, current)

    return load


async def revise_offer(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    competition_id: UUID,
    terms: OfferTerms,
    rules: Rules,
) -> Outcome:
    """Revise the vendor's offer; the latest revision counts."""

    async def act(uow: CompetitionUnitOfWork, mine: VendorOffer) -> Outcome:
        return await _save_terms(uow, mine.competition, terms, mine.offer, "revise_offer")

    load = _live_offer(competition_id, "revise_offer", rules, "revise")
    return await perform(unit_of_work, action, load, act)


async def withdraw_offer(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, competition_id: UUID, rules: Rules
) -> Outcome:
    """The vendor takes its offer back before the deadline."""

    async def act(uow: CompetitionUnitOfWork, mine: VendorOffer) -> Outcome:
        await uow.catalogue.withdraw_offer(mine.offer.id, uow.now())
        change = offer_change("withdraw_offer", SUBMITTED, WITHDRAWN)
        await _record_offer(uow, mine.competition, mine.offer, change)
        return Outcome(None)

    load = _live_offer(competition_id, "withdraw_offer", rules, "withdraw")
    return await perform(unit_of_work, action, load, act)
