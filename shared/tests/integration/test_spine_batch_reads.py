"""The unit of work's batch reads, on PostgreSQL and in memory alike: the documents of many
owners in one query (each owner's in the order one-owner reads give, same-instant uploads
in the order they were stored) and the open turns of many aggregates in one query."""

import hashlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.documents import DocumentStore, Upload
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.testing.statements import statements
from epurchasing_shared.testing.unit_of_work import InMemoryUnitOfWork, MemoryStore

NOON = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


def upload(name: str) -> Upload:
    content = f"%PDF-1.4 {name} {uuid4()}".encode()
    return Upload(name, "application/pdf", content, hashlib.sha256(content).hexdigest())


def turn(aggregate_id, *, done: bool = False) -> Turn:
    return Turn(
        id=uuid4(),
        aggregate="thing",
        aggregate_id=aggregate_id,
        procurement_id=aggregate_id,
        sop_step="3",
        actor_role="ppk",
        started_at=NOON,
        due_at=NOON + timedelta(days=1),
        working_days=1,
        done_at=NOON if done else None,
    )


@pytest.fixture(params=["sql", "memory"])
def unit_of_work(request, spine_db, tmp_path):
    clock, memory = FixedClock(NOON), MemoryStore()  # one instant: every upload ties

    def make() -> UnitOfWork:
        if request.param == "memory":
            return InMemoryUnitOfWork(memory, clock=clock, caller=Caller())
        return SqlUnitOfWork(
            service="spine_test",
            clock=clock,
            caller=Caller(),
            sessions=spine_db.sessions,
            spine=spine_db.spine,
            store=DocumentStore(tmp_path),
        )

    return make


async def test_documents_of_many_owners_read_as_each_owners_own(unit_of_work):
    first, second, none = uuid4(), uuid4(), uuid4()
    async with unit_of_work() as uow:
        saved = {first: [], second: []}
        for n in range(9):  # interleaved, all at the same instant
            owner = first if n % 3 else second
            ref = await uow.save_document(
                upload(f"d{n}.pdf"),
                kind="nota_dinas",
                owner_kind="thing",
                owner_id=owner,
                procurement_id=owner,
            )
            saved[owner].append(ref.id)
    async with unit_of_work() as uow:
        many = await uow.documents_of_many([first, second, none, first])
        alone = {owner: await uow.documents_of(owner) for owner in (first, second, none)}
    assert set(many) == {first, second, none}
    assert many == alone
    assert {owner: [ref.id for ref in many[owner]] for owner in saved} == saved
    assert many[none] == []


async def test_open_turns_of_many_aggregates(unit_of_work):
    open_one, done_one, both, never = uuid4(), uuid4(), uuid4(), uuid4()
    async with unit_of_work() as uow:
        for aggregate_id, done in ((open_one, False), (done_one, True), (both, True)):
            await uow._open_turn(turn(aggregate_id, done=done))
        await uow._open_turn(turn(both))  # its next turn, open
    async with unit_of_work() as uow:
        found = await uow.open_turns([open_one, done_one, both, never])
        alone = {a: await uow.open_turn(a) for a in (open_one, done_one, both, never)}
        assert await uow.open_turns([]) == {}
    assert set(found) == {open_one, both}
    assert {a: found.get(a) for a in alone} == alone


async def test_a_batch_read_is_one_query_however_many_it_reads(spine_db, tmp_path):
    uow = SqlUnitOfWork(
        service="spine_test",
        clock=FixedClock(NOON),
        caller=Caller(),
        sessions=spine_db.sessions,
        spine=spine_db.spine,
        store=DocumentStore(tmp_path),
    )
    owners = [uuid4() for _ in range(20)]
    async with uow:
        engine = spine_db.sessions.__self__  # type: ignore[attr-defined]  # engine.connect
        with statements(engine) as seen:
            await uow.documents_of_many(owners)
            await uow.open_turns(owners)
            await uow.documents_of_many([])
            await uow.open_turns([])
    assert len(seen) == 2
