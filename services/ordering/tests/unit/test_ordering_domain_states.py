"""The package state machine (data) and the actions it reports."""

import pytest

from epurchasing_shared.kernel.errors import ActionNotAllowed, RoleNotAllowed
from ordering.domain.states import PACKAGE, allowed_actions
from ordering.domain.states import PackageState as S


def check_transition(state, action, role):
    return PACKAGE.check(action, state, role)


def next_state(state, transition):
    return S(transition.target or state)


class TestStateMachine:
    def test_the_happy_path_reaches_order_acknowledged(self):
        path = [
            ("process", "procurement_official", S.PROCESSING),
            ("propose", "procurement_official", S.NEGOTIATING),
            ("accept_proposal", "vendor", S.AGREED),
            ("approve", "vendor", S.VENDOR_APPROVED),
            ("send_to_ppk", "procurement_official", S.AWAITING_PPK),
            ("ppk_approve", "ppk", S.PPK_APPROVED),
            ("issue_purchase_order", "ppk", S.ORDER_ISSUED),
            ("acknowledge_order", "vendor", S.ORDER_ACKNOWLEDGED),
        ]
        state = S.RECEIVED
        for action, role, expected in path:
            state = next_state(state, check_transition(state, action, role))
            assert state is expected

    def test_an_addendum_keeps_the_state(self):
        transition = check_transition(S.ORDER_ACKNOWLEDGED, "amend_order", "ppk")
        assert next_state(S.ORDER_ACKNOWLEDGED, transition) is S.ORDER_ACKNOWLEDGED
        assert transition.sop_step == "24a"

    def test_refuses_an_action_out_of_state_naming_the_allowed_ones(self):
        with pytest.raises(ActionNotAllowed) as error:
            check_transition(S.NEGOTIATION_REJECTED, "send_to_ppk", "procurement_official")
        assert error.value.current_state == "negotiation_rejected"
        assert error.value.allowed_actions == ["accept_counter", "cancel", "propose"]

    def test_refuses_the_wrong_actor(self):
        with pytest.raises(RoleNotAllowed):
            check_transition(S.AWAITING_PPK, "ppk_approve", "procurement_official")

    def test_no_addendum_after_closing_or_before_the_order(self):
        for state in (S.CLOSED, S.PPK_APPROVED, S.CANCELLED):
            assert "amend_order" not in allowed_actions(state, "ppk")

    def test_a_cancelled_package_allows_nothing(self):
        assert allowed_actions(S.CANCELLED) == []

    def test_ppk_rejection_is_step_20b_and_cancels(self):
        transition = check_transition(S.AWAITING_PPK, "ppk_reject", "ppk")
        assert (transition.target, transition.sop_step) == (S.CANCELLED, "20b")

    def test_the_vendor_may_approve_offered_prices_without_negotiation(self):
        assert allowed_actions(S.PROCESSING, "vendor") == ["approve"]
