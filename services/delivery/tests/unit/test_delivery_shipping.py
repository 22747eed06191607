"""The shipping history (25): append-only, never backwards, never in the future."""

from datetime import UTC, datetime, timedelta

import pytest
from delivery_factories import NOW, entry, fulfilment

from delivery.domain.errors import ActionNotAllowed, InvalidInput, ShippingOutOfOrder
from delivery.domain.shipping import (
    CLOCK_SKEW,
    ShipmentStatus,
    ShippingEntry,
    out_of_order_reason,
)
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
    def test_time_in_the_future_beyond_the_clock_skew_is_refused(self):
        late = entry("packed")
        late = type(late)(late.status, NOW + CLOCK_SKEW + timedelta(seconds=1))
        with pytest.raises(InvalidInput) as refused:
            preparing().record_shipment(late, NOW)
        assert refused.value.field == "happened_at"
        assert "masa depan" in refused.value.detail_id

    def test_a_small_clock_skew_is_accepted(self):
        ahead = type(entry("packed"))(ShipmentStatus.PACKED, NOW + CLOCK_SKEW)
        assert preparing().record_shipment(ahead, NOW).to_state == S.SHIPPING

    def test_time_before_the_order_date_is_refused(self):
        made = preparing()  # ordered on 2026-03-01 (WIB)
        # 2026-02-28 23:30 WIB is 16:30 UTC: the day before the order, in the local zone
        early = ShippingEntry(ShipmentStatus.PACKED, datetime(2026, 2, 28, 16, 30, tzinfo=UTC))
        with pytest.raises(InvalidInput) as refused:
            made.record_shipment(early, NOW)
        assert refused.value.field == "happened_at"
        assert "tanggal Surat Pesanan" in refused.value.detail_id
        # 00:30 WIB on the order date is 17:30 UTC the day before: accepted
        first_hour = ShippingEntry(ShipmentStatus.PACKED, datetime(2026, 2, 28, 17, 30, tzinfo=UTC))
        assert made.record_shipment(first_hour, NOW).to_state == S.SHIPPING

    def test_refusals_carry_indonesian_texts(self):
        made = preparing()
        made.record_shipment(entry("in_transit"), NOW)
        with pytest.raises(ShippingOutOfOrder) as backwards:
            made.record_shipment(entry("shipped", 1), NOW)
        assert backwards.value.detail_id == (
            "riwayat pengiriman tidak dapat mundur dari dalam perjalanan ke dikirim"
        )
        with pytest.raises(InvalidInput) as no_courier:
            preparing().record_shipment(entry("shipped", courier=None), NOW)
        assert no_courier.value.errors[0]["message_id"] == "kurir wajib diisi untuk entri dikirim"

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
