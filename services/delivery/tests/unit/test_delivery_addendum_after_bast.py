"""Rule 24a in delivery: an addendum committed at or after the BAST is not followed."""

from datetime import timedelta

import pytest
from delivery_factories import BAST_AT, fulfilment, handed_over, terms

from delivery.domain.amendments import addendum_after_bast_reason
from delivery.domain.errors import PaymentDoesNotAddUp
from delivery.domain.fulfilment import AmendmentResult
from delivery.domain.states import FulfilmentState

S = FulfilmentState
BEFORE, AFTER = BAST_AT - timedelta(seconds=1), BAST_AT + timedelta(seconds=1)


class TestAddendumAfterBastReason:
    def test_no_bast_yet_allows_any_addendum(self):
        assert addendum_after_bast_reason(2, AFTER, None) is None

    def test_committed_before_the_bast_is_allowed(self):
        assert addendum_after_bast_reason(2, BEFORE, BAST_AT) is None

    def test_committed_at_the_same_instant_is_not_before_the_bast(self):
        reason = addendum_after_bast_reason(2, BAST_AT, BAST_AT)
        assert reason == (
            f"addendum v2 committed at {BAST_AT.isoformat()} "
            f"at the same time as the BAST recorded at {BAST_AT.isoformat()}"
        )

    def test_committed_after_the_bast_names_both_times(self):
        reason = addendum_after_bast_reason(3, AFTER, BAST_AT)
        assert reason == (
            f"addendum v3 committed at {AFTER.isoformat()} "
            f"after the BAST recorded at {BAST_AT.isoformat()}"
        )


class TestFollowAmendmentAroundTheBast:
    def test_committed_before_but_arriving_after_the_bast_is_followed(self):
        made = handed_over(total=900_000)
        outcome = made.follow_amendment(terms(version=2, total=990_000), BEFORE)
        assert outcome.result is AmendmentResult.APPLIED
        assert (made.order.version, made.order.total, made.state) == (2, 990_000, S.HANDED_OVER)
        _, figures = made.record_payment(990_000)
        assert figures.settles

    @pytest.mark.parametrize("committed_at", [BAST_AT, AFTER], ids=["equal", "after"])
    def test_committed_at_or_after_the_bast_changes_nothing(self, committed_at):
        made = handed_over(total=900_000)
        version = made.version
        outcome = made.follow_amendment(terms(version=2, total=990_000), committed_at)
        assert outcome.result is AmendmentResult.NOT_APPLIED
        assert "the BAST recorded at" in (outcome.reason or "") and outcome.change is None
        assert (made.order.version, made.order.total, made.version) == (1, 900_000, version)
        assert made.state is S.HANDED_OVER

    def test_a_payment_above_the_unchanged_total_stays_refused(self):
        made = handed_over(total=900_000)
        made.follow_amendment(terms(version=2, total=990_000), AFTER)
        with pytest.raises(PaymentDoesNotAddUp, match="order total 900000"):
            made.record_payment(990_000)

    def test_before_any_bast_the_time_does_not_matter(self):
        made = fulfilment(S.SHIPPING)
        outcome = made.follow_amendment(terms(version=2, total=1_050_000), AFTER)
        assert outcome.result is AmendmentResult.APPLIED and made.order.total == 1_050_000

    def test_a_stale_version_stays_stale_after_the_bast(self):
        made = handed_over()
        assert made.follow_amendment(terms(version=1), AFTER).result is AmendmentResult.STALE
