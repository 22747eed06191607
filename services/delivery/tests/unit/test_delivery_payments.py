"""Payment arithmetic (26): instalments never exceed the current order total."""

import pytest
from delivery_factories import BEFORE_BAST, delivered, fulfilment, handed_over, terms

from delivery.domain.errors import ActionNotAllowed, PaymentDoesNotAddUp
from delivery.domain.fulfilment import AmendmentResult
from delivery.domain.payments import check_payment
from delivery.domain.states import FulfilmentState

S = FulfilmentState


class TestCheckPayment:
    def test_overpayment_names_amount_paid_total_and_remaining(self):
        with pytest.raises(PaymentDoesNotAddUp) as refused:
            check_payment(700_000, 400_000, 1_000_000)
        message = str(refused.value)
        for number in ("700000", "400000", "1000000", "600000"):
            assert number in message

    @pytest.mark.parametrize("amount", [0, -5])
    def test_zero_or_negative_is_refused(self, amount):
        with pytest.raises(PaymentDoesNotAddUp, match="more than 0"):
            check_payment(amount, 0, 1_000_000)

    def test_exact_remainder_settles(self):
        figures = check_payment(600_000, 400_000, 1_000_000)
        assert (figures.paid_so_far, figures.remaining, figures.settles) == (1_000_000, 0, True)


class TestRecordPayment:
    def test_refused_before_bast(self):
        made = delivered()
        made.inspect_goods()
        with pytest.raises(ActionNotAllowed) as refused:
            made.record_payment(100)
        assert refused.value.current_state == "inspected"

    def test_two_of_three_instalments_leave_it_unpaid_the_third_pays(self):
        made = handed_over(total=900_000)
        made.record_payment(300_000)
        change, figures = made.record_payment(300_000)
        assert change.to_state == S.HANDED_OVER and figures.remaining == 300_000
        change, _ = made.record_payment(300_000)
        assert change.to_state == S.PAID
        assert (made.paid_total, made.payment_count) == (900_000, 3)

    def test_refused_overpayment_changes_nothing(self):
        made = handed_over(total=900_000)
        made.record_payment(600_000)
        with pytest.raises(PaymentDoesNotAddUp):
            made.record_payment(300_001)
        assert (made.paid_total, made.state) == (600_000, S.HANDED_OVER)


class TestFollowAmendment:
    def test_a_raised_total_raises_what_may_be_paid(self):
        made = handed_over(total=900_000)
        made.record_payment(600_000)
        assert (
            made.follow_amendment(terms(version=2, total=990_000), BEFORE_BAST).result
            is AmendmentResult.APPLIED
        )
        _, figures = made.record_payment(390_000)
        assert figures.settles and made.state is S.PAID

    def test_an_older_version_after_a_newer_one_changes_nothing(self):
        made = fulfilment()
        made.follow_amendment(terms(version=3, total=1_050_000), BEFORE_BAST)
        version = made.version
        outcome = made.follow_amendment(terms(version=2, total=1_020_000), BEFORE_BAST)
        assert outcome.result is AmendmentResult.STALE
        assert (made.order.version, made.order.total, made.version) == (3, 1_050_000, version)

    def test_not_followed_once_paid(self):
        made = handed_over(total=900_000)
        made.record_payment(900_000)
        outcome = made.follow_amendment(terms(version=2, total=950_000), BEFORE_BAST)
        assert outcome.result is AmendmentResult.NOT_APPLIED
        assert made.order.total == 900_000

    def test_not_followed_below_what_is_paid(self):
        made = handed_over(total=900_000)
        made.record_payment(800_000)
        outcome = made.follow_amendment(terms(version=2, total=700_000), BEFORE_BAST)
        assert outcome.result is AmendmentResult.NOT_APPLIED and "800000" in outcome.reason

    def test_a_total_lowered_to_what_is_paid_settles(self):
        made = handed_over(total=900_000)
        made.record_payment(850_000)
        outcome = made.follow_amendment(terms(version=2, total=850_000), BEFORE_BAST)
        assert outcome.change is not None and made.state is S.PAID

    def test_tolerated_while_goods_are_on_the_way(self):
        made = fulfilment(S.SHIPPING)
        assert (
            made.follow_amendment(terms(version=2), BEFORE_BAST).result is AmendmentResult.APPLIED
        )
        assert made.state is S.SHIPPING
