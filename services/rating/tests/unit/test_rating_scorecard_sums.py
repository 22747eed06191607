"""The scorecard's running sums: after many packages and ratings, whatever the order, they
equal a full recomputation from every rating (build_scorecard)."""

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from rating.application.rate_vendor import RateVendor, rate_vendor
from rating.application.scorecards import vendor_scorecard
from rating.domain.scheme import Criterion, RatingScheme
from rating.domain.scorecard import (
    RatedPackage,
    ReviewPolicy,
    VendorTally,
    build_scorecard,
)

from .fakes import asking, package, ppk, seed_rating, unit_of_work

POLICY = ReviewPolicy(Decimal("2.00"), 3)
SCHEME = RatingScheme(
    criteria=(
        Criterion("quality_quantity", "Kualitas", 30),
        Criterion("cost", "Biaya", 20),
        Criterion("timeliness", "Waktu", 30),
        Criterion("service", "Layanan", 20),
    ),
    scale_min=1,
    scale_max=3,
    scale_labels={},
)
# A later configuration: other weights (total 7) and one criterion fewer.
OTHER = RatingScheme(
    criteria=(Criterion("quality_quantity", "Kualitas", 4), Criterion("cost", "Biaya", 3)),
    scale_min=1,
    scale_max=5,
    scale_labels={},
)


def recomputed(ratings, vendor_id):
    mine = [r for r in ratings if r.package.vendor_id == vendor_id]
    rated = [RatedPackage(r.package.ppk_id, r.result, r.scores) for r in mine if r.result]
    return build_scorecard(rated, len(mine), sum(r.package.on_time for r in mine))


def random_scores(generator: random.Random, scheme: RatingScheme) -> dict[str, int]:
    return {c.key: generator.randint(scheme.scale_min, scheme.scale_max) for c in scheme.criteria}


class TestTallyArithmetic:
    def test_folding_ratings_one_by_one_equals_the_full_recomputation(self):
        generator = random.Random(27)
        tally, rated, seen = VendorTally(), [], set()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for i in range(500):
            on_time = generator.random() < 0.7
            name = f"CV Maju Jaya {i}"
            tally = tally.with_package(name, start + timedelta(hours=i), on_time)
            if generator.random() < 0.8:
                scheme = SCHEME if i % 3 else OTHER
                scores = random_scores(generator, scheme)
                who = f"ppk-{generator.randint(1, 40)}"
                result = scheme.weighted_result(scores)
                tally = tally.with_rating(result, scores, first_of_its_ppk=who not in seen)
                seen.add(who)
                rated.append(RatedPackage(who, result, scores))
        on_time_count = tally.on_time_package_count
        assert tally.scorecard() == build_scorecard(rated, 500, on_time_count)
        assert tally.vendor_name == "CV Maju Jaya 499"
        assert tally.weighted_points_sum == sum(r.result.points for r in rated)

    def test_an_older_package_completed_late_does_not_rename_the_vendor(self):
        late = datetime(2026, 3, 2, tzinfo=UTC)
        tally = VendorTally().with_package("PT Baru", late, True)
        tally = tally.with_package("CV Lama", late - timedelta(days=30), False)
        assert (tally.vendor_name, tally.package_count, tally.on_time_package_count) == (
            "PT Baru",
            2,
            1,
        )


class TestUseCasesKeepTheSums:
    async def test_after_many_ratings_the_scorecard_equals_a_full_recomputation(self, store, clock):
        generator = random.Random(11)
        vendors = [uuid4() for _ in range(4)]
        opened = []
        for _ in range(120):
            vendor_id = generator.choice(vendors)
            who = f"ppk-{generator.randint(1, 6)}"
            completed = package(vendor_id, who, on_time=generator.random() < 0.6)
            opened.append(seed_rating(store, completed))
        generator.shuffle(opened)
        for rating in opened[:100]:
            command = RateVendor(
                rating.package.procurement_id, random_scores(generator, SCHEME), None
            )
            await rate_vendor(
                unit_of_work(store, clock),
                asking(ppk(rating.package.ppk_id)),
                command,
                SCHEME,
                POLICY,
            )
        ratings = list(store.table("ratings").values())
        for vendor_id in vendors:
            expected = recomputed(ratings, vendor_id)
            assert store.table("vendor_scorecards")[vendor_id].scorecard() == expected
            card = await vendor_scorecard(unit_of_work(store, clock), vendor_id, POLICY)
            assert card.weighted_average == expected.weighted_average
            assert card.rating_count == expected.rating_count
            assert card.criterion_averages == expected.criterion_averages
            assert card.below_review_threshold == POLICY.is_below(expected)
