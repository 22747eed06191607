"""The shipping history (25): append-only, never backwards, never in the future."""

from datetime import timedelta

import pytest
from delivery_factories import NOW, entry, fulfilment

from delivery.domain.errors import ActionNotAllowed, InvalidInput, ShippingOutOfOrder
from delivery.domain.shipping import ShipmentStatus, out_of_order_reason
from delivery.domain.states import FulfilmentState

S = FulfilmentState


def preparing():
    return fulfilment(S.PREPARING)


class TestOrderOfEntries:
    def test_full_forward_history_with_repeated_in_transit_ends_delivered(self):
        made = preparing()
        for minutes, status in enumerate(["packed", "shipped", "in_transit", "in_transit"]):
            assert made.record_shipment(entry(status, minutes), NOW).to_state == S.SHIPPING
        assert made.record_shipment(entry("delivered", 9), NOW).to_state == S.DELIVERED
        assert made.shipment_count == 5
        assert made.delivered_at == entry("delivered", 9).happened_at

    def test_going_back_from_in_transit_to_shipped_is_refused(self):
        made = preparing()
        made.record_shipment(entry("in_transit"), NOW)
        with pytest.raises(ShippingOutOfOrder, match="cannot go back from in_transit to shipped"):
            made.record_shipment(entry("shipped", 1), NOW)
        assert made.shipment_count == 1

    def test_shipped_may_not_repeat(self):
        assert "already" in out_of_order_reason(entry("shipped"), ShipmentStatus.SHIPPED)

    def test_in_transit_may_repeat_and_steps_may_be_skipped(self):
        assert out_of_order_reason(entry("in_transit"), ShipmentStatus.IN_TRANSIT) is None
        assert out_of_order_reason(None, ShipmentStatus.SHIPPED) is None

    def test_delivered_needs_the_goods_shipped(self):
        assert out_of_order_reason(None, ShipmentStatus.DELIVERED) is not None
        assert out_of_order_reason(entry("packed"), ShipmentStatus.DELIVERED) is not None

    def test_nothing_after_delivered(self):
        made = preparing()
        made.record_shipment(entry("shipped"), NOW)
        made.record_shipment(entry("delivered", 1), NOW)
        with pytest.raises(ActionNotAllowed):
            made.record_shipment(entry("in_transit", 2), NOW)

    def test_refused_before_preparation(self):
        with pytest.raises(ActionNotAllowed):
            fulfilment(S.READY_FOR_PREPARATION).record_shipment(entry("packed"), NOW)


class TestEntryFacts:
    def test_time_in_the_future_is_refused(self):
        late = entry("packed")
        late = type(late)(late.status, NOW + timedelta(seconds=1))
        with pytest.raises(InvalidInput) as refused:
            preparing().record_shipment(late, NOW)
        assert refused.value.field == "happened_at"

    def test_time_before_the_previous_entry_is_refused(self):
        made = preparing()
        made.record_shipment(entry("packed", 30), NOW)
        with pytest.raises(InvalidInput, match="before the previous entry"):
            made.record_shipment(entry("shipped", 10), NOW)

    def test_shipped_needs_courier_and_tracking_number(self):
        with pytest.raises(InvalidInput) as refused:
            preparing().record_shipment(entry("shipped", tracking_number=" "), NOW)
        assert refused.value.field == "tracking_number"

    def test_packed_needs_no_courier(self):
        made = preparing()
        made.record_shipment(entry("packed"), NOW)
        assert made.state is S.SHIPPING
