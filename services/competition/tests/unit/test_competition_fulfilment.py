"""The purchase request's last transition: fulfilled once delivery completes its package (27)."""

from datetime import date
from uuid import uuid4

import pytest

from competition.domain import purchase_request as pr
from competition.domain.errors import ActionNotAllowed, RoleNotAllowed
from competition.domain.state_machine import SYSTEM


def a_request(state: str) -> pr.PurchaseRequest:
    return pr.PurchaseRequest(
        id=uuid4(),
        work_unit="dinkes",
        ppk_id="ppk",
        ppk_name="Budi",
        rup_code="R",
        fiscal_year=2026,
        dpa_number="D",
        pagu=1_000,
        title="t",
        specification="s",
        items=[pr.RequestItem("laptop", "l", 1, "unit")],
        delivery_address="a",
        delivery_date=date(2026, 4, 1),
        state=state,
        version=7,
    )


class TestFulfil:
    def test_moves_a_competing_request_to_fulfilled_with_step_27(self):
        request = a_request(pr.IN_COMPETITION)
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
        request = a_request(pr.FULFILLED)
        assert pr.fulfil(request, "again") is None
        assert request.version == 7

    @pytest.mark.parametrize("state", [pr.DRAFT, pr.SUBMITTED, pr.ACCEPTED])
    def test_is_refused_for_a_request_not_competing(self, state):
        with pytest.raises(ActionNotAllowed) as refused:
            pr.fulfil(a_request(state), "x")
        assert refused.value.current_state == state

    def test_a_fulfilled_request_is_final_for_every_role(self):
        request = a_request(pr.FULFILLED)
        for role in ("ppk", "procurement_official", SYSTEM):
            assert pr.PURCHASE_REQUEST_MACHINE.allowed_actions(request.state, role) == []

    @pytest.mark.parametrize("role", ["ppk", "procurement_official"])
    def test_no_caller_may_fulfil_a_request(self, role):
        with pytest.raises(RoleNotAllowed):
            pr.PURCHASE_REQUEST_MACHINE.check("fulfil", pr.IN_COMPETITION, role)
