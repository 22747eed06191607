"""The envelope and the registry of event types."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from epurchasing_shared.contracts.envelope import Actor, CloudEvent, make_event
from epurchasing_shared.contracts.rating import VendorBlacklistLifted
from epurchasing_shared.contracts.registry import EVENT_MODELS, UnknownEventType, parse_payload

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class TestEnvelope:
    def test_make_event_fills_the_cloudevents_attributes(self):
        procurement_id = uuid4()
        payload = VendorBlacklistLifted(
            entry_id=uuid4(), vendor_id=uuid4(), reason="court ruling", lifted_at=NOW
        )
        event = make_event(
            service="rating",
            payload=payload,
            procurement_id=procurement_id,
            time=NOW,
            actor=Actor(id="admin-1", role="admin"),
            sop_step="11",
        )
        assert event.specversion == "1.0"
        assert event.type == "rating.vendor_blacklist_lifted.v1"
        assert event.source == "/epurchasing/rating"
        assert event.subject == str(procurement_id)
        assert (event.actorid, event.actorrole, event.sopstep) == ("admin-1", "admin", "11")
        assert parse_payload(CloudEvent.model_validate_json(event.model_dump_json())) == payload

    def test_a_time_without_offset_is_refused(self):
        with pytest.raises(ValueError):
            CloudEvent(source="/x", type="t", time=datetime(2026, 1, 1), data={})

    def test_consumers_ignore_fields_they_do_not_know(self):
        data = {
            "entry_id": str(uuid4()),
            "vendor_id": str(uuid4()),
            "reason": "r",
            "lifted_at": NOW.isoformat(),
            "new": 1,
        }
        event = CloudEvent(
            source="/x", type="rating.vendor_blacklist_lifted.v1", time=NOW, data=data
        )
        assert isinstance(parse_payload(event), VendorBlacklistLifted)


class TestRegistry:
    def test_every_type_is_versioned_and_named_after_its_producer(self):
        for event_type in EVENT_MODELS:
            service, _, version = event_type.split(".")
            assert service in {"competition", "ordering", "delivery", "rating"}
            assert version.startswith("v") and version[1:].isdigit()

    def test_an_unknown_type_is_refused(self):
        event = CloudEvent(source="/x", type="nobody.nothing.v1", time=NOW, data={})
        with pytest.raises(UnknownEventType):
            parse_payload(event)

    def test_money_is_whole_rupiah(self):
        from epurchasing_shared.contracts.common import OrderLine

        with pytest.raises(ValueError):
            OrderLine(
                line_no=1, description="x", quantity=1, unit="pcs", unit_price=10.5, line_total=10
            )
