"""Use cases of SOP 11b: the admin records a blacklist entry and lifts it early, in memory."""

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)
from rating.application.blacklist import (
    RecordBlacklistEntry,
    lift_blacklist_entry,
    record_blacklist_entry,
)
from rating.domain.blacklist import ACTIVE, EXPIRED, LIFTED, SCHEDULED

from .fakes import JAKARTA, START, admin, asking, ppk, seed_entry, snapshot, unit_of_work, vendor


def command(vendor_id, starts_on=date(2026, 3, 5), ends_on=date(2026, 3, 10)):
    return RecordBlacklistEntry(
        vendor_id=vendor_id,
        vendor_name="PT Curang",
        reason="Pemalsuan dokumen penawaran",
        decree_reference="SK Kepala UKPBJ No. 027/2026",
        starts_on=starts_on,
        ends_on=ends_on,
    )


async def record(store, clock, request, what):
    return await record_blacklist_entry(unit_of_work(store, clock), request, what, JAKARTA)


async def lift(store, clock, request, entry_id, reason="Putusan PTUN"):
    return await lift_blacklist_entry(
        unit_of_work(store, clock), request, entry_id, reason, JAKARTA
    )


class TestRecordBlacklistEntry:
    async def test_records_the_entry_and_publishes_it_for_competition(self, store, clock):
        vendor_id = uuid4()
        outcome = await record(store, clock, asking(admin()), command(vendor_id))
        body = outcome.body
        assert (outcome.status, outcome.location) == (201, f"/blacklist/{body['id']}")
        assert (body["state"], body["active"], body["allowed_actions"]) == (
            SCHEDULED,
            False,
            ["lift"],
        )
        [saved] = store.table("blacklist_entries").values()
        assert (saved.recorded_by, saved.recorded_at, saved.version) == ("admin-1", START, 1)
        [event] = store.events
        assert (event.type, event.sopstep, event.procurementid, event.subject) == (
            "rating.vendor_blacklisted.v1",
            "11b",
            None,
            f"vendor/{vendor_id}",
        )
        assert (event.actorid, event.actorrole) == ("admin-1", "admin")
        assert event.data["entry_id"] == body["id"]
        assert (event.data["starts_on"], event.data["ends_on"]) == ("2026-03-05", "2026-03-10")
        assert store.history == []  # an entry belongs to no procurement

    async def test_a_retry_with_the_same_key_records_once(self, store, clock):
        request = asking(admin(), key="bl-1", path="/blacklist")
        first = await record(store, clock, request, command(uuid4()))
        again = await record(store, clock, request, command(uuid4()))
        assert (again.replayed, again.body) == (True, first.body)
        assert len(store.table("blacklist_entries")) == 1 and len(store.events) == 1

    async def test_refuses_a_caller_who_is_not_an_admin(self, store, clock):
        for who in (ppk(), vendor(uuid4())):
            with pytest.raises(RoleNotAllowed):
                await record(store, clock, asking(who), command(uuid4()))
        assert (store.tables.get("blacklist_entries", {}), store.events) == ({}, [])

    async def test_refuses_an_end_before_the_start(self, store, clock):
        before = snapshot(store)
        with pytest.raises(RuleViolation) as refused:
            await record(store, clock, asking(admin()), command(uuid4(), ends_on=date(2026, 3, 4)))
        assert refused.value.errors[0]["field"] == "ends_on"
        assert snapshot(store) == before

    async def test_refuses_an_if_match_as_a_new_entry_has_no_version_yet(self, store, clock):
        before = snapshot(store)
        with pytest.raises(StaleVersion):
            await record(store, clock, asking(admin(), if_match=1), command(uuid4()))
        assert snapshot(store) == before


class TestLiftBlacklistEntry:
    async def test_lifts_early_with_a_reason_and_publishes_it(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 1))
        clock.set(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
        outcome = await lift(store, clock, asking(admin("admin-2"), if_match=1), entry.id)
        assert (outcome.status, outcome.body["state"], outcome.body["version"]) == (200, LIFTED, 2)
        assert outcome.body["allowed_actions"] == []
        saved = store.table("blacklist_entries")[entry.id]
        assert (saved.lifted_by, saved.lift_reason) == ("admin-2", "Putusan PTUN")
        [event] = store.events
        assert (event.type, event.sopstep, event.subject) == (
            "rating.vendor_blacklist_lifted.v1",
            "11b",
            f"vendor/{entry.vendor_id}",
        )
        assert event.data == {
            "entry_id": str(entry.id),
            "vendor_id": str(entry.vendor_id),
            "reason": "Putusan PTUN",
            "lifted_at": "2026-03-03T02:00:00Z",
        }

    async def test_refuses_a_caller_who_is_not_an_admin(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 1))
        before = snapshot(store)
        with pytest.raises(RoleNotAllowed):
            await lift(store, clock, asking(ppk()), entry.id)
        assert snapshot(store) == before

    async def test_an_unknown_entry_is_not_found(self, store, clock):
        with pytest.raises(NotFound):
            await lift(store, clock, asking(admin()), uuid4())
        assert store.events == []

    async def test_refuses_a_stale_if_match(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 1))
        before = snapshot(store)
        with pytest.raises(StaleVersion):
            await lift(store, clock, asking(admin(), if_match=2), entry.id)
        assert snapshot(store) == before

    @pytest.mark.parametrize(
        ("ends_on", "lift_first", "state"),
        [(date(2026, 3, 1), False, EXPIRED), (None, True, LIFTED)],
    )
    async def test_refuses_an_entry_no_longer_in_force(
        self, store, clock, ends_on, lift_first, state
    ):
        entry = seed_entry(store, date(2026, 2, 1), ends_on)
        if lift_first:
            await lift(store, clock, asking(admin()), entry.id)
        before = snapshot(store)
        with pytest.raises(ActionNotAllowed) as refused:
            await lift(store, clock, asking(admin()), entry.id, "lagi")
        assert (refused.value.current_state, refused.value.allowed_actions) == (state, [])
        assert snapshot(store) == before

    async def test_refuses_a_blank_reason(self, store, clock):
        entry = seed_entry(store, date(2026, 3, 1))
        before = snapshot(store)
        with pytest.raises(RuleViolation):
            await lift(store, clock, asking(admin()), entry.id, " ")
        assert snapshot(store) == before
        assert store.table("blacklist_entries")[entry.id].state_on(date(2026, 3, 2)) == ACTIVE
