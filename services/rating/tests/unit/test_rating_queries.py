"""Queries: ratings as each caller may see them, the public blacklist and scorecards."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import NotFound, RuleViolation
from epurchasing_shared.pages import PageParams, decode_cursor
from rating.application.queries import (
    get_blacklist_entry,
    get_rating,
    list_blacklist,
    list_ratings,
)
from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.application.scorecards import vendor_scorecard
from rating.domain.scorecard import ReviewPolicy
from rating.settings import RatingSettings

from .fakes import (
    JAKARTA,
    START,
    asking,
    auditor,
    package,
    ppk,
    seed_entry,
    seed_rating,
    unit_of_work,
    vendor,
)

SCORES = {"quality_quantity": 1, "cost": 1, "timeliness": 1, "service": 1}


class TestRatings:
    async def test_a_pending_rating_is_seen_by_its_ppk_and_auditors_only(self, store, clock):
        vendor_id = uuid4()
        pending = seed_rating(store, package(vendor_id))
        uow = unit_of_work(store, clock)
        mine = await get_rating(uow, ppk(), pending.id)
        assert (mine.state, mine.allowed_actions) == ("pending", ["rate"])
        assert (await get_rating(uow, auditor(), pending.id)).allowed_actions == []
        for stranger in (ppk("ppk-2"), vendor(vendor_id)):
            with pytest.raises(NotFound):
                await get_rating(uow, stranger, pending.id)
        with pytest.raises(NotFound):
            await get_rating(uow, ppk(), uuid4())

    async def test_lists_page_by_page_with_a_cursor(self, store, clock):
        vendor_id = uuid4()
        ids = [
            seed_rating(store, package(vendor_id), START + timedelta(minutes=i)).id
            for i in range(3)
        ]
        seed_rating(store, package(uuid4()))  # another vendor's
        uow = unit_of_work(store, clock)
        first = await list_ratings(
            uow, ppk(), vendor_id=vendor_id, state="pending", page=PageParams(limit=2)
        )
        assert [r.id for r in first.items] == ids[:2] and first.next_cursor
        rest = await list_ratings(
            uow,
            ppk(),
            vendor_id=vendor_id,
            state=None,
            page=PageParams(limit=2, cursor=decode_cursor(first.next_cursor)),
        )
        assert ([r.id for r in rest.items], rest.next_cursor) == (ids[2:], None)
        hidden = await list_ratings(
            uow, vendor(vendor_id), vendor_id=vendor_id, state=None, page=PageParams(limit=9)
        )
        assert hidden.items == []

    async def test_a_procurement_finds_its_rating_past_its_vendors_first_page(self, store, clock):
        vendor_id = uuid4()
        ratings = [
            seed_rating(store, package(vendor_id), START + timedelta(minutes=i)) for i in range(3)
        ]
        uow = unit_of_work(store, clock)
        found = await list_ratings(
            uow,
            ppk(),
            vendor_id=None,
            procurement_id=ratings[2].package.procurement_id,
            state="pending",
            page=PageParams(limit=1),
        )
        assert ([r.id for r in found.items], found.next_cursor) == ([ratings[2].id], None)
        hidden = await list_ratings(
            uow,
            ppk("ppk-2"),  # a pending rating is its PPK's to see
            vendor_id=None,
            procurement_id=ratings[2].package.procurement_id,
            state=None,
            page=PageParams(limit=9),
        )
        assert hidden.items == []

    async def test_refuses_a_cursor_it_did_not_give_out(self, store, clock):
        with pytest.raises(RuleViolation) as refused:
            await list_ratings(
                unit_of_work(store, clock),
                ppk(),
                vendor_id=None,
                state=None,
                page=PageParams(limit=2, cursor=["yesterday", "x"]),
            )
        assert refused.value.errors[0]["field"] == "cursor"


class TestBlacklist:
    async def test_active_means_in_force_today_in_the_regencys_time_zone(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 5), date(2026, 3, 10))
        uow = unit_of_work(store, clock)

        async def active_ids():
            page = await list_blacklist(
                uow, JAKARTA, active=True, vendor_id=None, page=PageParams(limit=9)
            )
            return [e.id for e in page.items]

        assert await active_ids() == []
        clock.set(datetime(2026, 3, 4, 18, 0, tzinfo=UTC))  # 01:00 on 5 March in Jakarta
        assert await active_ids() == [entry.id]
        clock.set(datetime(2026, 3, 10, 17, 0, tzinfo=UTC))  # 00:00 on 11 March
        assert await active_ids() == []
        expired = await list_blacklist(
            uow, JAKARTA, active=False, vendor_id=entry.vendor_id, page=PageParams(limit=9)
        )
        assert [(e.state, e.allowed_actions) for e in expired.items] == [("expired", [])]

    async def test_one_entry_is_public_and_an_unknown_one_is_not_found(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 1))
        uow = unit_of_work(store, clock)
        found = await get_blacklist_entry(uow, JAKARTA, entry.id)
        assert (found.state, found.active) == ("active", True)
        with pytest.raises(NotFound):
            await get_blacklist_entry(uow, JAKARTA, uuid4())


class TestScorecard:
    async def test_counts_packages_and_flags_a_vendor_below_the_threshold(self, store, clock):
        vendor_id, scheme = uuid4(), RatingSettings().rating_scheme()
        policy = ReviewPolicy(Decimal("2.00"), 3)
        for i in range(3):
            who = f"ppk-{i % 2}"
            rating = seed_rating(store, package(vendor_id, who, on_time=i > 0))
            command = RateVendor(rating.package.procurement_id, dict(SCORES), None)
            await rate_vendor(unit_of_work(store, clock), asking(ppk(who)), command, scheme, policy)
        seed_rating(store, package(vendor_id))  # completed, not yet rated
        card = await vendor_scorecard(unit_of_work(store, clock), vendor_id, policy)
        assert card.model_dump(mode="json") == {
            "vendor_id": str(vendor_id),
            "vendor_name": "CV Sumber Makmur",
            "weighted_average": "1.00",
            "rating_count": 3,
            "rating_ppk_count": 2,
            "package_count": 4,
            "on_time_package_count": 3,
            "criterion_averages": {
                "cost": "1.00",
                "quality_quantity": "1.00",
                "service": "1.00",
                "timeliness": "1.00",
            },
            "below_review_threshold": True,
        }

    async def test_a_vendor_without_packages_has_zeros(self, store, clock):
        vendor_id = uuid4()
        policy = ReviewPolicy(Decimal("2.00"), 3)
        card = await vendor_scorecard(unit_of_work(store, clock), vendor_id, policy)
        assert (card.rating_count, card.package_count, card.weighted_average) == (0, 0, None)
        assert card.below_review_threshold is False
