"""Use case: the PPK rates the vendor of a completed package (step 27), in memory."""

from decimal import Decimal
from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)
from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.domain.rating import PENDING, RATED
from rating.domain.scorecard import ReviewPolicy
from rating.settings import RatingSettings

from .fakes import START, asking, package, ppk, seed_rating, snapshot, unit_of_work, vendor

SCHEME = RatingSettings().rating_scheme()
POLICY = ReviewPolicy(threshold=Decimal("2.00"), minimum_ratings=3)
ALL_GOOD = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}  # 2.60


async def rate(store, clock, request, procurement_id, scores=ALL_GOOD, comment="rapi"):
    command = RateVendor(procurement_id, dict(scores), comment)
    return await rate_vendor(unit_of_work(store, clock), request, command, SCHEME, POLICY)


class TestRateVendor:
    async def test_rates_records_the_history_and_publishes_vendor_rated(self, store, clock):
        vendor_id = uuid4()
        opened = seed_rating(store, package(vendor_id))
        procurement_id = opened.package.procurement_id

        outcome = await rate(store, clock, asking(ppk()), procurement_id)

        assert (outcome.status, outcome.location) == (201, f"/ratings/{opened.id}")
        body = outcome.body
        assert (body["state"], body["version"], body["weighted_result"]) == (RATED, 2, "2.60")
        assert body["allowed_actions"] == []
        saved = store.table("ratings")[opened.id]
        assert (saved.state, saved.comment, saved.rated_at) == (RATED, "rapi", START)
        [entry] = store.history
        assert (entry.action, entry.from_state, entry.to_state, entry.sop_step) == (
            "rate",
            PENDING,
            RATED,
            "27",
        )
        assert (entry.reason, entry.actor.id, entry.procurement_id) == (
            "rapi",
            "ppk-1",
            procurement_id,
        )
        [event] = store.events
        assert (event.type, event.sopstep, event.procurementid) == (
            "rating.vendor_rated.v1",
            "27",
            procurement_id,
        )
        assert (event.actorid, event.actorrole, event.causationid) == ("ppk-1", "ppk", "request-1")
        assert event.data["scores"] == ALL_GOOD
        assert (event.data["weighted_points"], event.data["weight_total"]) == (260, 100)
        assert event.data["vendor_id"] == str(vendor_id)

    async def test_a_retry_with_the_same_key_returns_the_first_answer_once(self, store, clock):
        opened = seed_rating(store, package(uuid4()))
        request = asking(ppk(), key="rate-1", path="/ratings")
        first = await rate(store, clock, request, opened.package.procurement_id)
        again = await rate(store, clock, request, opened.package.procurement_id)
        assert (again.body, again.replayed, again.status) == (first.body, True, 201)
        assert store.event_types() == ["rating.vendor_rated.v1"]

    async def test_refuses_a_caller_who_is_not_a_ppk(self, store, clock):
        opened = seed_rating(store, package(uuid4()))
        before = snapshot(store)
        with pytest.raises(RoleNotAllowed):
            await rate(store, clock, asking(vendor(uuid4())), opened.package.procurement_id)
        assert snapshot(store) == before

    @pytest.mark.parametrize("who", ["another ppk", "unknown procurement"])
    async def test_hides_what_is_not_the_callers(self, store, clock, who):
        opened = seed_rating(store, package(uuid4()))
        procurement_id = opened.package.procurement_id
        caller = ppk("ppk-2") if who == "another ppk" else ppk()
        target = procurement_id if who == "another ppk" else uuid4()
        before = snapshot(store)
        with pytest.raises(NotFound):
            await rate(store, clock, asking(caller), target)
        assert snapshot(store) == before

    async def test_refuses_a_second_rating(self, store, clock):
        opened = seed_rating(store, package(uuid4()))
        await rate(store, clock, asking(ppk()), opened.package.procurement_id)
        before = snapshot(store)
        with pytest.raises(ActionNotAllowed) as refused:
            await rate(store, clock, asking(ppk()), opened.package.procurement_id)
        assert (refused.value.current_state, refused.value.allowed_actions) == (RATED, [])
        assert snapshot(store) == before

    async def test_refuses_a_stale_if_match(self, store, clock):
        opened = seed_rating(store, package(uuid4()))
        before = snapshot(store)
        with pytest.raises(StaleVersion):
            await rate(store, clock, asking(ppk(), if_match=2), opened.package.procurement_id)
        assert snapshot(store) == before
        done = await rate(store, clock, asking(ppk(), if_match=1), opened.package.procurement_id)
        assert done.body["version"] == 2

    @pytest.mark.parametrize(
        ("scores", "field"),
        [
            (ALL_GOOD | {"cost": 4}, "scores.cost"),
            ({"cost": 2, "timeliness": 3, "service": 2}, "scores.quality_quantity"),
            (ALL_GOOD | {"x": 2}, "scores.x"),
        ],
    )
    async def test_refuses_scores_off_the_scheme_naming_the_field(
        self, store, clock, scores, field
    ):
        opened = seed_rating(store, package(uuid4()))
        before = snapshot(store)
        with pytest.raises(RuleViolation) as refused:
            await rate(store, clock, asking(ppk()), opened.package.procurement_id, scores)
        assert field in [e["field"] for e in refused.value.errors]
        assert snapshot(store) == before


class TestReviewFlag:
    async def rate_new(self, store, clock, vendor_id, score, ppk_id="ppk-1"):
        opened = seed_rating(store, package(vendor_id, ppk_id))
        scores = dict.fromkeys(ALL_GOOD, score)
        return await rate(store, clock, asking(ppk(ppk_id)), opened.package.procurement_id, scores)

    def flags(self, store):
        return [e for e in store.events if e.type == "rating.vendor_flagged_for_review.v1"]

    async def test_flags_once_per_crossing_below_the_threshold(self, store, clock):
        vendor_id = uuid4()
        await self.rate_new(store, clock, vendor_id, 1, "ppk-1")
        await self.rate_new(store, clock, vendor_id, 1, "ppk-2")
        assert self.flags(store) == []  # two ratings: under the minimum count
        third = await self.rate_new(store, clock, vendor_id, 1)
        [flag] = self.flags(store)
        assert flag.data | {"flagged_at": None} == {
            "vendor_id": str(vendor_id),
            "vendor_name": "CV Sumber Makmur",
            "average": "1.00",
            "rating_count": 3,
            "threshold": "2.00",
            "minimum_ratings": 3,
            "rating_id": third.body["id"],
            "flagged_at": None,
        }
        assert (flag.subject, flag.procurementid, flag.sopstep) == (
            f"vendor/{vendor_id}",
            None,
            "27",
        )
        assert flag.actorid is None  # the service flags, not the PPK

        await self.rate_new(store, clock, vendor_id, 1)  # still below: no second flag
        assert len(self.flags(store)) == 1
        for _ in range(4):
            await self.rate_new(store, clock, vendor_id, 3)  # 16/8 = 2.00: not below
        assert store.table("vendor_reviews")[vendor_id] is False
        last = await self.rate_new(store, clock, vendor_id, 1)  # 17/9: a new crossing
        assert [f.data["rating_id"] for f in self.flags(store)] == [
            third.body["id"],
            last.body["id"],
        ]
