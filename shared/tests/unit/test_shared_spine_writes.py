"""What a transaction's turn changes leave (pure): spine_writes.net_turns and chain."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from epurchasing_shared.history_chain import ChainEntry, entry_hash
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import HistoryRecord
from epurchasing_shared.spine_writes import CloseTurn, PendingSpine, chain, net_turns

T0 = datetime(2026, 11, 2, 1, tzinfo=UTC)


def turn(aggregate_id, at=T0, done_at=None) -> Turn:
    return Turn(
        aggregate="package",
        aggregate_id=aggregate_id,
        procurement_id=aggregate_id,
        sop_step="20",
        actor_role="ppk",
        started_at=at,
        due_at=at + timedelta(days=3),
        working_days=3,
        done_at=done_at,
        id=uuid4(),
    )


def close(aggregate_id, at=T0, by="ppk-budi", action="approve") -> CloseTurn:
    return CloseTurn(aggregate_id, at=at, by=by, action=action)


def test_a_change_ends_the_open_turn_and_opens_the_next():
    a = uuid4()
    nxt = turn(a)
    ended, opened = net_turns([close(a), nxt])
    assert ended == {a: close(a)} and opened == [nxt]


def test_a_turn_opened_and_ended_in_one_transaction_is_written_ended():
    a = uuid4()
    first = turn(a)
    later = T0 + timedelta(seconds=1)
    ended, opened = net_turns([close(a), first, close(a, at=later, action="send"), turn(a, later)])
    assert ended == {a: close(a)}  # only the turn that was open before the transaction
    assert opened[0].id == first.id and opened[0].done_at == later
    assert opened[0].done_by == "ppk-budi" and opened[0].done_action == "send"
    assert opened[1].done_at is None


def test_a_second_end_without_an_open_turn_changes_nothing():
    a, b = uuid4(), uuid4()
    ended, opened = net_turns([close(a), close(a, action="again"), close(b)])
    assert ended == {a: close(a), b: close(b)} and opened == []


def test_a_turn_written_done_is_not_ended_again():
    a = uuid4()
    done = turn(a, done_at=T0)
    ended, opened = net_turns([done, close(a)])
    assert opened == [done] and ended == {a: close(a)}


def record(procurement_id, action) -> HistoryRecord:
    return HistoryRecord(
        procurement_id=procurement_id,
        aggregate="package",
        aggregate_id=procurement_id,
        at=T0,
        action=action,
        actor=None,
        from_state="a",
        to_state="b",
        sop_step="20",
    )


def test_entries_chain_to_their_own_procurements_head_in_order():
    p, q = uuid4(), uuid4()
    heads = {p: ("f" * 64, 4), q: (None, 0)}
    entries = [record(p, "one"), record(q, "other"), record(p, "two")]
    links = chain(entries, heads)
    assert links[0][0] == "f" * 64 and links[1][0] is None
    assert links[2][0] == links[0][1]  # p's second entry follows p's first
    assert heads == {p: (links[2][1], 6), q: (links[1][1], 1)}
    expected = entry_hash(
        ChainEntry(
            seq=0,
            procurement_id=p,
            aggregate="package",
            aggregate_id=p,
            at=T0,
            action="one",
            actor_id=None,
            actor_role=None,
            from_state="a",
            to_state="b",
            sop_step="20",
            reason=None,
        ),
        "f" * 64,
    )
    assert links[0][1] == expected


def test_the_open_turn_a_transaction_knows_of():
    a, b = uuid4(), uuid4()
    pending = PendingSpine()
    assert pending.open_turn(a) == (False, None)  # no change of its own: the table says
    nxt = turn(a)
    pending.turns += [close(a), nxt, turn(b, done_at=T0)]
    assert pending.open_turn(a) == (True, nxt)
    assert pending.open_turn(b) == (False, None)  # a turn written done opens nothing
    pending.turns.append(close(a, action="send"))
    assert pending.open_turn(a) == (True, None)
