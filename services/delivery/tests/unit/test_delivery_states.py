"""The fulfilment's state machine: who may do what, in which state."""

import pytest
from delivery_factories import NOW, delivered, entry, fulfilment, handed_over

from delivery.domain.errors import ActionNotAllowed
from delivery.domain.states import FULFILMENT, FulfilmentState

S = FulfilmentState


class TestTransitionTable:
    def test_every_state_but_completed_has_a_way_forward(self):
        sources = {state for t in FULFILMENT.transitions.values() for state in t.sources}
        assert set(S) - sources == {S.COMPLETED}

    def test_vendor_may_start_preparation_only_when_ready(self):
        assert FULFILMENT.allowed_actions(S.READY_FOR_PREPARATION, "vendor") == [
            "start_preparation"
        ]
        assert FULFILMENT.allowed_actions(S.AWAITING_ACKNOWLEDGEMENT, "vendor") == []

    def test_ppk_actions_follow_the_goods(self):
        assert FULFILMENT.allowed_actions(S.DELIVERED, "ppk") == ["inspect_goods"]
        assert FULFILMENT.allowed_actions(S.INSPECTED, "ppk") == ["hand_over_goods"]
        assert FULFILMENT.allowed_actions(S.HANDED_OVER, "ppk") == ["record_payment"]
        assert FULFILMENT.allowed_actions(S.PAID, "ppk") == ["complete_package"]
        assert FULFILMENT.allowed_actions(S.SHIPPING, "ppk") == []


class TestAcknowledgeOrder:
    def test_moves_to_ready_for_preparation(self):
        made = fulfilment()
        change = made.acknowledge_order()
        assert change is not None and change.sop_step == "22"
        assert made.state is S.READY_FOR_PREPARATION
        assert made.version == 2

    def test_a_second_acknowledgement_changes_nothing(self):
        made = fulfilment()
        made.acknowledge_order()
        assert made.acknowledge_order() is None
        assert made.version == 2


class TestStartPreparation:
    def test_refused_before_acknowledgement_naming_state_and_actions(self):
        made = fulfilment()
        with pytest.raises(ActionNotAllowed) as refused:
            made.start_preparation()
        assert refused.value.current_state == "awaiting_acknowledgement"
        assert refused.value.allowed_actions == []

    def test_after_acknowledgement_the_vendor_prepares(self):
        made = fulfilment(S.READY_FOR_PREPARATION)
        assert made.start_preparation().to_state == S.PREPARING


class TestInspectionAndHandover:
    def test_inspection_before_delivery_is_refused(self):
        made = fulfilment(S.PREPARING)
        made.record_shipment(entry("shipped"), NOW)
        with pytest.raises(ActionNotAllowed):
            made.inspect_goods()

    def test_handover_needs_the_inspection_first(self):
        made = delivered()
        with pytest.raises(ActionNotAllowed) as refused:
            made.hand_over_goods(NOW)
        assert refused.value.current_state == "delivered"
        assert refused.value.allowed_actions == ["inspect_goods"]

    def test_bap_then_bast(self):
        made = delivered()
        made.inspect_goods()
        assert made.hand_over_goods(NOW).to_state == S.HANDED_OVER
        assert made.handed_over_at == NOW


class TestCompletePackage:
    def test_refused_until_paid(self):
        made = handed_over()
        with pytest.raises(ActionNotAllowed):
            made.complete_package(NOW.tzinfo)

    def test_on_time_compares_the_local_delivery_date_with_the_deadline(self):
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        # 18:00 UTC on the 10th is already the 11th in Jakarta (UTC+7): one day late.
        made = delivered(at=datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
        made.inspect_goods()
        made.hand_over_goods(NOW)
        made.record_payment(made.order.total)
        _, completion = made.complete_package(ZoneInfo("Asia/Jakarta"))
        assert str(completion.actual_delivery_date) == "2026-03-11"
        assert completion.on_time is False
        assert made.state is S.COMPLETED
