"""Delivery's handover (26) and completion (27) as package transitions of the SYSTEM actor."""

import pytest

from epurchasing_shared.kernel.errors import ActionNotAllowed, RoleNotAllowed
from epurchasing_shared.kernel.states import SYSTEM
from ordering.domain.states import PACKAGE, allowed_actions
from ordering.domain.states import PackageState as S


def check_transition(state, action, role):
    return PACKAGE.check(action, state, role)


def next_state(state, transition):
    return S(transition.target or state)


def follow_delivery(state, action):
    """The table's answer to a delivery fact: None when already applied."""
    from ordering.domain.states import ALREADY_APPLIED

    if state in ALREADY_APPLIED[action]:
        return None
    return check_transition(state, action, SYSTEM)


class TestHandover:
    @pytest.mark.parametrize("state", [S.ORDER_ISSUED, S.ORDER_ACKNOWLEDGED])
    def test_moves_a_live_order_to_handed_over(self, state):
        transition = follow_delivery(state, "record_handover")
        assert transition is not None and transition.sop_step == "26"
        assert next_state(state, transition) is S.HANDED_OVER

    @pytest.mark.parametrize("state", [S.HANDED_OVER, S.CLOSED])
    def test_a_redelivered_handover_changes_nothing(self, state):
        assert follow_delivery(state, "record_handover") is None

    @pytest.mark.parametrize("state", [S.RECEIVED, S.AWAITING_PPK, S.CANCELLED])
    def test_is_refused_before_any_order(self, state):
        with pytest.raises(ActionNotAllowed):
            follow_delivery(state, "record_handover")

    def test_ends_addenda(self):
        with pytest.raises(ActionNotAllowed) as refused:
            check_transition(S.HANDED_OVER, "amend_order", "ppk")
        assert refused.value.current_state == "handed_over" and refused.value.allowed_actions == []


class TestClose:
    @pytest.mark.parametrize("state", [S.ORDER_ISSUED, S.ORDER_ACKNOWLEDGED, S.HANDED_OVER])
    def test_closes_the_package(self, state):
        transition = follow_delivery(state, "close")
        assert transition is not None and transition.sop_step == "27"
        assert next_state(state, transition) is S.CLOSED

    def test_a_redelivered_completion_changes_nothing(self):
        assert follow_delivery(S.CLOSED, "close") is None

    @pytest.mark.parametrize("state", [S.RECEIVED, S.NEGOTIATING, S.CANCELLED])
    def test_is_refused_for_a_package_without_an_order(self, state):
        with pytest.raises(ActionNotAllowed):
            follow_delivery(state, "close")

    def test_a_closed_package_allows_no_action_to_anyone(self):
        for role in ("procurement_official", "vendor", "ppk"):
            assert allowed_actions(S.CLOSED, role) == []


class TestSystemTransitions:
    @pytest.mark.parametrize("role", ["ppk", "procurement_official", "vendor"])
    def test_no_caller_may_take_them(self, role):
        for action in ("record_handover", "close"):
            with pytest.raises(RoleNotAllowed):
                check_transition(S.ORDER_ACKNOWLEDGED, action, role)

    def test_they_never_show_in_a_callers_allowed_actions(self):
        assert allowed_actions(S.ORDER_ACKNOWLEDGED, "ppk") == ["amend_order"]
