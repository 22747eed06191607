"""The purchase request's last transition: fulfilled once delivery completes its package (27)."""

import pytest

from competition.domain import purchase_request as pr
from competition.domain.errors import ActionNotAllowed, RoleNotAllowed
from epurchasing_shared.kernel.states import SYSTEM

from .factories import a_request


class TestFulfil:
    def test_moves_a_competing_request_to_fulfilled_with_step_27(self):
        request = a_request(state=pr.IN_COMPETITION, version=7)
        change = pr.fulfil(request, "package completed")
        assert change is not None
        assert (change.action, change.from_state, change.to_state, change.sop_step) == (
            "fulfil",
            "in_competition",
            "fulfilled",
            "27",
        )
        assert change.reason == "package completed"
        assert request.state == pr.FULFILLED and request.version == 8

    def test_a_second_completion_changes_nothing(self):
        request = a_request(state=pr.FULFILLED, version=7)
        assert pr.fulfil(request, "again") is None
        assert request.version == 7

    @pytest.mark.parametrize("state", [pr.DRAFT, pr.SUBMITTED, pr.ACCEPTED])
    def test_is_refused_for_a_request_not_competing(self, state):
        with pytest.raises(ActionNotAllowed) as refused:
            pr.fulfil(a_request(state=state, version=7), "x")
        assert refused.value.current_state == state

    def test_a_fulfilled_request_is_final_for_every_role(self):
        request = a_request(state=pr.FULFILLED, version=7)
        for role in ("ppk", "procurement_official", SYSTEM):
            assert pr.PURCHASE_REQUEST_MACHINE.allowed_actions(request.state, role) == []

    @pytest.mark.parametrize("role", ["ppk", "procurement_official"])
    def test_no_caller_may_fulfil_a_request(self, role):
        with pytest.raises(RoleNotAllowed):
            pr.PURCHASE_REQUEST_MACHINE.check("fulfil", pr.IN_COMPETITION, role)
