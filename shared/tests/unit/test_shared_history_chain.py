"""The history's hash chain: verify_chain names the first entry whose chain breaks."""

import dataclasses
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from epurchasing_shared.accountability import late_csv, timeline_lines
from epurchasing_shared.history_chain import (
    ChainEntry,
    ChainHead,
    canonical_form,
    entry_hash,
    verify_chain,
)

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
DOCUMENT = {
    "id": str(uuid4()),
    "kind": "bap",
    "filename": "bap.pdf",
    "media_type": "application/pdf",
    "size": 10,
    "sha256": "a" * 64,
}


def chain(procurements: list[UUID], per: int = 3) -> tuple[list[ChainEntry], list[ChainHead]]:
    """Entries of several procurements, interleaved, chained as the service writes them."""
    entries: list[ChainEntry] = []
    last: dict[UUID, tuple[str | None, int]] = {}
    seq = 0
    for round_ in range(per):
        for procurement in procurements:
            seq += 1
            previous, count = last.get(procurement, (None, 0))
            entry = ChainEntry(
                seq=seq,
                procurement_id=procurement,
                aggregate="package",
                aggregate_id=procurement,
                at=START + timedelta(minutes=seq),
                action=f"action-{round_}",
                actor_id="ppk-budi",
                actor_role="ppk",
                from_state="a",
                to_state="b",
                sop_step="20",
                reason=None,
                documents=[DOCUMENT] if round_ == 1 else [],
                prev_hash=previous,
            )
            entry = dataclasses.replace(entry, hash=entry_hash(entry, previous))
            entries.append(entry)
            last[procurement] = (entry.hash, count + 1)
    heads = [
        ChainHead(p, max(e.seq for e in entries if e.procurement_id == p), h, n)  # type: ignore[arg-type]
        for p, (h, n) in last.items()
    ]
    return entries, heads


def test_an_intact_chain_has_no_break():
    entries, heads = chain([uuid4(), uuid4()])
    assert verify_chain(entries, heads) is None


def test_a_changed_row_is_named():
    entries, heads = chain([uuid4(), uuid4()])
    entries[3] = dataclasses.replace(entries[3], reason="quietly added")
    broken = verify_chain(entries, heads)
    assert broken is not None and broken.seq == entries[3].seq
    assert "changed" in broken.problem and str(entries[3].procurement_id) in str(broken)


def test_a_removed_row_breaks_the_next_entry_of_its_procurement():
    entries, heads = chain([uuid4(), uuid4()])
    removed = entries.pop(2)  # the second entry of the first procurement
    broken = verify_chain(entries, heads)
    assert broken is not None and broken.seq == removed.seq + 2  # its next one (interleaved)
    assert broken.procurement_id == removed.procurement_id


def test_removing_the_newest_entry_is_caught_by_the_head():
    entries, heads = chain([uuid4()])
    removed = entries.pop()
    assert verify_chain(entries) is None  # the chain alone cannot see a cut tail
    broken = verify_chain(entries, heads)
    assert broken is not None and broken.seq == removed.seq and "missing" in broken.problem


def test_reordered_entries_break():
    entries, heads = chain([uuid4()])
    first, second = entries[0], entries[1]
    entries[0] = dataclasses.replace(second, seq=first.seq)
    entries[1] = dataclasses.replace(first, seq=second.seq)
    broken = verify_chain(entries, heads)
    assert broken is not None and broken.seq == first.seq


def test_a_changed_document_hash_breaks():
    entries, heads = chain([uuid4()])
    tampered = [{**DOCUMENT, "sha256": "b" * 64}]
    entries[1] = dataclasses.replace(entries[1], documents=tampered)
    broken = verify_chain(entries, heads)
    assert broken is not None and broken.seq == entries[1].seq


def test_the_canonical_form_covers_the_document_hash_and_the_previous_hash():
    entries, _ = chain([uuid4()])
    form = canonical_form(entries[1], entries[1].prev_hash).decode()
    assert DOCUMENT["sha256"] in form and str(entries[1].prev_hash) in form
    assert '"at":"2026-03-02T02:02:00.000000Z"' in form


TURN = {
    "service": "ordering",
    "procurement_id": "p-1",
    "sop_step": "20",
    "actor_role": "ppk",
    "actor_id": "ppk-budi",
    "work_unit": "dinkes",
    "started_at": "2026-03-02T09:00:00+07:00",
    "due_at": "2026-03-05T23:59:59.999999+07:00",
    "done_at": "2026-03-09T10:00:00+07:00",
    "overdue": True,
    "working_days_taken": 5,
    "late_working_days": 2,
    "late_seconds": 295200,
}


def test_timeline_lines_one_per_step_in_time_order():
    earlier = TURN | {"sop_step": "19", "started_at": "2026-03-01T09:00:00+07:00", "overdue": False}
    lines = timeline_lines([TURN, earlier])
    assert lines[1].startswith("19") and lines[2].startswith("20")
    assert "LATE by 2 working day(s)" in lines[2] and "on time" in lines[1]


def test_late_csv_has_one_row_per_late_turn():
    text = late_csv([TURN])
    header, row = text.strip().splitlines()
    assert header.startswith("service,procurement_id,sop_step,actor_role,actor_id,work_unit")
    assert row.startswith("ordering,p-1,20,ppk,ppk-budi,dinkes,") and row.endswith(",2,295200")
