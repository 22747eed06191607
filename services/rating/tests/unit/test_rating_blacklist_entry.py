"""Blacklist entries: activity by date, lifting, the period rule."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import ActionNotAllowed, RuleViolation
from rating.domain.blacklist import ACTIVE, EXPIRED, LIFTED, SCHEDULED, BlacklistEntry

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def entry(starts_on: date, ends_on: date | None) -> BlacklistEntry:
    return BlacklistEntry(
        id=uuid4(),
        vendor_id=uuid4(),
        vendor_name="CV Maju",
        reason="fraud",
        decree_reference="SK-7/2026",
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_at=AT,
        recorded_by="admin-1",
    )


class TestActivityByDate:
    e = entry(date(2026, 3, 10), date(2026, 3, 20))

    @pytest.mark.parametrize(
        ("today", "state"),
        [
            (date(2026, 3, 9), SCHEDULED),
            (date(2026, 3, 10), ACTIVE),
            (date(2026, 3, 20), ACTIVE),
            (date(2026, 3, 21), EXPIRED),
        ],
    )
    def test_is_active_from_start_to_end_inclusive(self, today, state):
        assert self.e.state_on(today) == state
        assert self.e.is_active_on(today) is (state == ACTIVE)

    def test_without_end_date_is_active_until_lifted(self):
        open_ended = entry(date(2026, 3, 10), None)
        assert open_ended.is_active_on(date(2099, 1, 1))
        lifted = open_ended
        lifted.lift("decree revoked", "admin-1", AT, date(2026, 3, 11))
        assert lifted.state_on(date(2026, 3, 12)) == LIFTED
        assert not lifted.is_active_on(date(2026, 3, 12))


class TestPeriod:
    def test_refuses_an_end_before_the_start(self):
        with pytest.raises(RuleViolation) as refused:
            entry(date(2026, 3, 10), date(2026, 3, 9))
        assert refused.value.errors[0]["field"] == "ends_on"

    def test_accepts_a_single_day(self):
        assert entry(date(2026, 3, 10), date(2026, 3, 10)).is_active_on(date(2026, 3, 10))


class TestLift:
    def test_keeps_who_when_and_why(self):
        lifted = entry(date(2026, 3, 1), None)
        change = lifted.lift("court ruling", "admin-2", AT, date(2026, 3, 2))
        assert (change.action, change.from_state, change.to_state, change.sop_step) == (
            "lift",
            ACTIVE,
            LIFTED,
            "11b",
        )
        assert (lifted.lifted_by, lifted.lift_reason, lifted.lifted_at) == (
            "admin-2",
            "court ruling",
            AT,
        )
        assert lifted.version == 2

    def test_refuses_a_second_lift(self):
        lifted = entry(date(2026, 3, 1), None)
        lifted.lift("once", "admin-1", AT, date(2026, 3, 2))
        with pytest.raises(ActionNotAllowed) as refused:
            lifted.lift("twice", "admin-1", AT, date(2026, 3, 2))
        assert refused.value.current_state == LIFTED
        assert refused.value.allowed_actions == []

    def test_refuses_lifting_an_expired_entry(self):
        with pytest.raises(ActionNotAllowed):
            entry(date(2026, 3, 1), date(2026, 3, 5)).lift("late", "admin-1", AT, date(2026, 4, 1))

    def test_can_lift_a_scheduled_entry(self):
        scheduled = entry(date(2026, 5, 1), None)
        assert scheduled.lift("mistake", "admin-1", AT, date(2026, 4, 1)).from_state == SCHEDULED
        assert scheduled.state_on(date(2026, 5, 2)) == LIFTED

    def test_refuses_a_lift_without_a_reason(self):
        active = entry(date(2026, 3, 1), None)
        with pytest.raises(RuleViolation):
            active.lift("  ", "admin-1", AT, date(2026, 3, 2))
        assert (active.lifted_at, active.version) == (None, 1)


class TestRecord:
    @pytest.mark.parametrize(
        ("today", "state"),
        [(date(2026, 3, 1), SCHEDULED), (date(2026, 3, 15), ACTIVE), (date(2026, 4, 1), EXPIRED)],
    )
    def test_starts_in_the_state_its_dates_say(self, today, state):
        change = entry(date(2026, 3, 10), date(2026, 3, 20)).recorded(today)
        assert (change.action, change.from_state, change.to_state, change.sop_step) == (
            "record",
            "",
            state,
            "11b",
        )
