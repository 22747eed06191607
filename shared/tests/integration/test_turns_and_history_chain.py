"""Turns, the overdue scanner and the hash-chained history on a real, migrated database.

The database is migrated with a service's real migrations (ordering's: the spine and revision
0004), so the trigger and the tables are the ones a deployment gets.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from alembic import command
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from epurchasing_shared.accountability import check_history
from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.cli import main as cli_main
from epurchasing_shared.clock import FixedClock, SystemClock
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.db import READ_ONLY_REQUEST, make_engine, make_session_factory
from epurchasing_shared.documents import DocumentRef, DocumentStore
from epurchasing_shared.history import append_history
from epurchasing_shared.history_chain import ChainEntry, ChainHead, verify_chain
from epurchasing_shared.http.reads import ReadsOutsideTransactions
from epurchasing_shared.kernel.states import Change, TimeStandard, Turn
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.migrations import alembic_config, create_database_if_missing, migrate
from epurchasing_shared.overdue import OverdueScanner
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.spine import SpineTables, add_spine_tables
from epurchasing_shared.testing.infrastructure import Infrastructure
from epurchasing_shared.testing.statements import statements

MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "ordering" / "migrations"
FAST = WorkingCalendar(seconds_per_working_day=1)
HAND_OVER = Change(
    "send_to_ppk", "draft", "with_ppk", "19", time_standard=TimeStandard(1, "ppk", "20")
)


@dataclasses.dataclass
class Db:
    url: str
    sessions: object
    spine: SpineTables

    def uow(self, clock=None, calendar=FAST) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            service="ordering",
            clock=clock or SystemClock(),
            caller=Caller.system(),
            sessions=self.sessions,  # type: ignore[arg-type]
            spine=self.spine,
            store=DocumentStore("var/documents/turns_test"),
            calendar=calendar,
        )


@pytest.fixture(scope="module")
async def db(infrastructure: Infrastructure, run_id: str) -> AsyncIterator[Db]:
    url = infrastructure.database(f"{run_id}_turns")
    await migrate(MIGRATIONS, url)
    engine = make_engine(url)
    yield Db(url, make_session_factory(engine), add_spine_tables(MetaData()))
    await engine.dispose()
    await infrastructure.drop_database(url)


def superuser_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def hand_over(db: Db, *, at: datetime | None = None, procurement: UUID | None = None) -> UUID:
    """A package handed to the PPK (a turn of one fast working day); its id."""
    package = uuid4()
    clock = FixedClock(at) if at else SystemClock()
    async with db.uow(clock) as uow:
        await uow.history(
            HAND_OVER,
            procurement_id=procurement or package,
            aggregate="package",
            aggregate_id=package,
            actor_id="ppk-budi",
            work_unit="dinkes",
        )
    return package


def scanner(db: Db, hook=None) -> OverdueScanner:
    return OverdueScanner(
        service="ordering", unit_of_work=lambda c: db.uow(), interval=0.1, on_overdue=hook
    )


async def overdue_events(db: Db, aggregate_ids: set[UUID]) -> list[str]:
    async with db.sessions() as session:  # type: ignore[operator]
        rows = await session.execute(
            select(db.spine.outbox.c.envelope).where(
                db.spine.outbox.c.event_type == "ordering.step_overdue.v1"
            )
        )
        return [
            e["data"]["aggregate_id"]
            for (e,) in rows
            if UUID(e["data"]["aggregate_id"]) in aggregate_ids
        ]


async def turn_of(db: Db, package: UUID) -> Turn:
    async with db.uow() as uow:
        turns = await uow.turns_of(package)
    return turns[-1]


class TestTurnsInSql:
    async def test_history_opens_and_the_next_change_closes_a_turn(self, db: Db):
        at = datetime(2026, 2, 13, 8, tzinfo=UTC)  # Friday 15:00 WIB
        package = uuid4()
        async with db.uow(FixedClock(at), calendar=WorkingCalendar()) as uow:
            turn = await uow.history(
                HAND_OVER,
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
                actor_id="ppk-budi",
                work_unit="dinkes",
            )
        async with db.uow() as uow:
            found = await uow.open_turn(package)
        assert found == turn and found is not None
        assert found.due_at == datetime(2026, 2, 18, 16, 59, 59, 999999, tzinfo=UTC)  # Wed WIB
        async with db.uow(FixedClock(at + timedelta(days=1))) as uow:
            await uow.history(
                Change("approve", "with_ppk", "approved", "20"),
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
            )
            assert await uow.open_turn(package) is None
        done = await turn_of(db, package)
        assert done.done_at == at + timedelta(days=1) and done.done_by == "system"


class TestOverdueScanner:
    async def test_two_scanners_racing_flag_each_late_turn_exactly_once(self, db: Db):
        past = datetime.now(UTC) - timedelta(hours=1)
        packages = {await hand_over(db, at=past) for _ in range(30)}
        hooked: list[UUID] = []

        async def hook(uow: UnitOfWork, turn: Turn) -> None:
            await asyncio.sleep(0.005)  # hold the row a while: the other replica must skip it
            hooked.append(turn.aggregate_id)

        first, second = await asyncio.gather(
            scanner(db, hook).scan_once(), scanner(db, hook).scan_once()
        )
        mine = [t.aggregate_id for t in first + second if t.aggregate_id in packages]
        assert sorted(mine) == sorted(packages)  # each once, none missed
        assert {t.aggregate_id for t in first} & {t.aggregate_id for t in second} == set()
        assert sorted(a for a in hooked if a in packages) == sorted(packages)
        events = await overdue_events(db, packages)
        assert sorted(UUID(e) for e in events) == sorted(packages)
        for package in packages:
            assert (await turn_of(db, package)).overdue_at is not None
        # a later scan finds nothing more of them
        again = await scanner(db).scan_once()
        assert not {t.aggregate_id for t in again} & packages

    async def test_a_turn_not_yet_due_is_left_alone(self, db: Db):
        package = await hand_over(db, at=datetime.now(UTC) + timedelta(hours=1))
        flagged = await scanner(db).scan_once()
        assert package not in {t.aggregate_id for t in flagged}
        assert (await turn_of(db, package)).overdue_at is None

    async def test_a_failing_hook_rolls_back_and_the_restarted_scanner_flags_it(self, db: Db):
        package = await hand_over(db, at=datetime.now(UTC) - timedelta(hours=1))

        async def crash(uow: UnitOfWork, turn: Turn) -> None:
            if turn.aggregate_id == package:
                raise RuntimeError("the replica dies mid-way")

        flagged = await scanner(db, crash).scan_once()
        assert package not in {t.aggregate_id for t in flagged}
        assert (await turn_of(db, package)).overdue_at is None
        assert await overdue_events(db, {package}) == []
        # a new process (nothing in memory) finds it in the table
        flagged = await scanner(db).scan_once()
        assert package in {t.aggregate_id for t in flagged}
        assert await overdue_events(db, {package}) == [str(package)]

    async def test_a_turn_done_before_the_scan_is_not_flagged(self, db: Db):
        package = await hand_over(db, at=datetime.now(UTC) - timedelta(hours=1))
        async with db.uow() as uow:
            await uow.history(
                Change("approve", "with_ppk", "approved", "20"),
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
            )
        flagged = await scanner(db).scan_once()
        assert package not in {t.aggregate_id for t in flagged}


class TestAppendOnlyHistory:
    @pytest.mark.parametrize(
        "statement",
        ["UPDATE history SET reason = 'x'", "DELETE FROM history", "TRUNCATE history"],
    )
    async def test_the_trigger_refuses_changes(self, db: Db, statement: str):
        await hand_over(db)
        with pytest.raises(DBAPIError, match="history is append-only"):
            async with db.sessions() as session, session.begin():  # type: ignore[operator]
                await session.execute(text(statement))


async def tamper(db: Db, statement: str, *args: object) -> None:
    """As the superuser, with triggers off for this session (what an insider would do)."""
    connection = await asyncpg.connect(superuser_dsn(db.url))
    try:
        await connection.execute("SET session_replication_role = replica")
        await connection.execute(statement, *args)
    finally:
        await connection.close()


class TestVerifyHistory:
    async def chained(self, db: Db) -> tuple[UUID, list[int]]:
        procurement = uuid4()
        for _ in range(3):
            await hand_over(db, procurement=procurement)
        async with db.sessions() as session:  # type: ignore[operator]
            seqs = (
                await session.scalars(
                    select(db.spine.history.c.seq)
                    .where(db.spine.history.c.procurement_id == procurement)
                    .order_by(db.spine.history.c.seq)
                )
            ).all()
        return procurement, list(seqs)

    async def test_intact_history_passes_then_a_changed_row_is_named(self, db: Db, capsys):
        procurement, seqs = await self.chained(db)
        assert (await check_history("ordering", db.url)).broken is None
        with pytest.raises(SystemExit) as exit_:
            await asyncio.to_thread(
                cli_main, ["verify-history", "--service", "ordering", "--database-url", db.url]
            )
        assert exit_.value.code == 0
        assert "intact" in capsys.readouterr().out
        await tamper(db, "UPDATE history SET actor_id = 'someone-else' WHERE seq = $1", seqs[1])
        report = await check_history("ordering", db.url)
        assert report.broken is not None
        assert (report.broken.seq, report.broken.procurement_id) == (seqs[1], procurement)
        with pytest.raises(SystemExit) as exit_:
            await asyncio.to_thread(
                cli_main, ["verify-history", "--service", "ordering", "--database-url", db.url]
            )
        assert exit_.value.code == 1
        out = capsys.readouterr().out
        assert f"seq {seqs[1]} (send_to_ppk)" in out and str(procurement) in out

    async def test_a_removed_row_is_caught(self, db: Db, infrastructure, run_id):
        # A database of its own: the previous test left a broken chain behind.
        url = infrastructure.database(f"{run_id}_turns_removed")
        await migrate(MIGRATIONS, url)
        engine = make_engine(url)
        try:
            other = Db(url, make_session_factory(engine), db.spine)
            _, seqs = await self.chained(other)
            await tamper(other, "DELETE FROM history WHERE seq = $1", seqs[1])
            report = await check_history("ordering", url)
            assert report.broken is not None and report.broken.seq == seqs[2]
            await tamper(other, "DELETE FROM history WHERE seq = $1", seqs[2])  # the tail too
            report = await check_history("ordering", url)
            assert report.broken is not None and report.broken.seq == seqs[2]
            assert "missing" in report.broken.problem
        finally:
            await engine.dispose()
            await infrastructure.drop_database(url)

    async def test_a_document_row_change_in_history_is_caught(self, db: Db, infrastructure, run_id):
        url = infrastructure.database(f"{run_id}_turns_docs")
        await migrate(MIGRATIONS, url)
        engine = make_engine(url)
        try:
            other = Db(url, make_session_factory(engine), db.spine)
            package = uuid4()
            ref = DocumentRef(
                uuid4(), "bap", "bap.pdf", "application/pdf", 3, "a" * 64, "x", datetime.now(UTC)
            )
            async with other.uow() as uow:
                await uow.history(
                    HAND_OVER,
                    procurement_id=package,
                    aggregate="package",
                    aggregate_id=package,
                    documents=[ref],
                )
            assert (await check_history("ordering", url)).broken is None
            await tamper(
                other,
                """UPDATE history SET documents = jsonb_set(documents, '{0,sha256}', '"bb"')""",
            )
            assert (await check_history("ordering", url)).broken is not None
        finally:
            await engine.dispose()
            await infrastructure.drop_database(url)


async def test_the_migration_hashes_existing_rows(infrastructure: Infrastructure, run_id: str):
    url = infrastructure.database(f"{run_id}_turns_backfill")
    await create_database_if_missing(url)
    config = alembic_config(MIGRATIONS, url)
    try:
        await asyncio.to_thread(command.upgrade, config, "0003")
        connection = await asyncpg.connect(superuser_dsn(url))
        procurement = uuid4()
        for action in ("receive_package", "propose", "agree"):
            await connection.execute(
                "INSERT INTO history (procurement_id, aggregate, aggregate_id, at, action) "
                "VALUES ($1, 'package', $1, now(), $2)",
                procurement,
                action,
            )
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await connection.fetchval("SELECT count(*) FROM history WHERE hash IS NULL") == 0
        assert await connection.fetchval("SELECT entries FROM history_heads") == 3
        await connection.close()
        report = await check_history("ordering", url)
        assert report.broken is None and report.entries == 3
    finally:
        await infrastructure.drop_database(url)


async def test_writers_of_one_procurement_keep_one_chain(db: Db):
    procurement = uuid4()
    await asyncio.gather(*(hand_over(db, procurement=procurement) for _ in range(10)))
    async with db.sessions() as session:  # type: ignore[operator]
        count = await session.scalar(
            select(func.count()).where(db.spine.history.c.procurement_id == procurement)
        )
        head = await session.scalar(
            select(db.spine.history_heads.c.entries).where(
                db.spine.history_heads.c.procurement_id == procurement
            )
        )
    assert count == head == 10


async def chain_of(db: Db, procurement: UUID) -> tuple[list[ChainEntry], list[ChainHead]]:
    history, heads = db.spine.history, db.spine.history_heads
    async with db.sessions() as session:  # type: ignore[operator]
        rows = await session.execute(
            select(history).where(history.c.procurement_id == procurement).order_by(history.c.seq)
        )
        entries = [ChainEntry.from_row(dict(row)) for row in rows.mappings()]
        found = await session.execute(select(heads).where(heads.c.procurement_id == procurement))
        return entries, [ChainHead(**dict(row)) for row in found.mappings()]


async def test_writers_racing_the_first_entry_and_the_next_ones_never_fork_the_chain(db: Db):
    """The first entry of a procurement takes the advisory lock (no head row to lock yet),
    later ones the head row: writers of both kinds at once still make one chain."""
    for _ in range(3):
        procurement = uuid4()

        async def late_writer(delay: float, procurement: UUID) -> None:
            await asyncio.sleep(delay)
            await hand_over(db, procurement=procurement)

        await asyncio.gather(*(late_writer(n * 0.003, procurement) for n in range(12)))
        entries, heads = await chain_of(db, procurement)
        assert len(entries) == 12 and heads[0].entries == 12
        assert verify_chain(entries, heads) is None


async def test_two_changes_of_one_aggregate_in_one_transaction(db: Db):
    """The turn the first change opens is written ended by the second; both entries chain;
    the events go out with one NOTIFY."""
    package = uuid4()
    listener = await asyncpg.connect(superuser_dsn(db.url))
    woken: list[str] = []
    await listener.add_listener("epurchasing_outbox", lambda *args: woken.append(args[2]))
    try:
        async with db.uow() as uow:
            handed = await uow.history(
                HAND_OVER,
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
                actor_id="ppk-budi",
                work_unit="dinkes",
            )
            await uow.history(
                Change("approve", "with_ppk", "approved", "20"),
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
            )
            for _ in range(3):
                await uow.record(blacklisting(), procurement_id=package, sop_step=None)
        async with db.uow() as uow:  # nothing to write: no NOTIFY either
            assert await uow.open_turn(package) is None
        await asyncio.sleep(0.3)
    finally:
        await listener.close()
    turns = await _turns(db, package)
    assert len(turns) == 1 and turns[0].id == handed.id  # type: ignore[union-attr]
    assert turns[0].done_action == "approve" and turns[0].done_by == "system"
    entries, heads = await chain_of(db, package)
    assert [e.action for e in entries] == ["send_to_ppk", "approve"]
    assert verify_chain(entries, heads) is None
    assert len(woken) == 1


def blacklisting() -> VendorBlacklisted:
    return VendorBlacklisted(
        entry_id=uuid4(),
        vendor_id=uuid4(),
        reason="tender fraud",
        decree_reference="SK-1/2026",
        starts_on=date(2026, 1, 1),
        recorded_at=datetime.now(UTC),
    )


async def _turns(db: Db, aggregate_id: UUID) -> list[Turn]:
    async with db.uow() as uow:
        return await uow.turns_of(aggregate_id)


async def test_a_state_change_costs_two_spine_statements(db: Db):
    """Entry, head, turns and outbox rows in one statement after the heads' locks: 2 for a
    procurement with history, 3 for its first entry (its head is looked up again)."""
    package = await hand_over(db)
    engine = db.sessions.__self__  # type: ignore[attr-defined]  # engine.connect
    with statements(engine) as seen:
        async with db.uow() as uow:
            await uow.history(
                Change("approve", "with_ppk", "approved", "20"),
                procurement_id=package,
                aggregate="package",
                aggregate_id=package,
            )
            await uow.record(blacklisting(), procurement_id=package, sop_step="20")
    spine = [s for s in seen if s.split()[0] not in ("BEGIN", "COMMIT")]
    assert len(spine) == 2, spine
    with statements(engine) as seen:
        await hand_over(db)
    assert len([s for s in seen if s.split()[0] not in ("BEGIN", "COMMIT")]) == 3


class TestReadOnlyRequests:
    """A GET or HEAD (db.READ_ONLY_REQUEST, set by http.reads) reads without BEGIN and COMMIT
    and cannot write."""

    async def test_a_read_has_no_transaction_round_trips(self, db: Db):
        package = await hand_over(db)

        async def in_transaction() -> bool:
            async with db.uow() as uow:
                assert await uow.open_turn(package) is not None
                raw = await uow.session.get_raw_connection()
                return bool(raw.driver_connection.is_in_transaction())  # type: ignore[union-attr]

        token = READ_ONLY_REQUEST.set(True)
        try:
            assert await in_transaction() is False  # no BEGIN was sent
        finally:
            READ_ONLY_REQUEST.reset(token)
        assert await in_transaction() is True  # the pooled connection is transactional again

    async def test_a_change_in_a_read_is_refused_and_nothing_is_written(self, db: Db):
        package = uuid4()
        token = READ_ONLY_REQUEST.set(True)
        try:
            with pytest.raises(RuntimeError, match="read-only"):
                async with db.uow() as uow:
                    await uow.history(
                        HAND_OVER, procurement_id=package, aggregate="package", aggregate_id=package
                    )
            with pytest.raises(RuntimeError, match="read-only"):
                async with db.sessions() as session:  # type: ignore[operator]
                    await session.execute(text("DELETE FROM turns WHERE false"))
        finally:
            READ_ONLY_REQUEST.reset(token)
        entries, _ = await chain_of(db, package)
        assert entries == []

    async def test_the_middleware_marks_get_and_head_only(self):
        seen: list[tuple[str, bool]] = []

        async def app(scope, receive, send):
            seen.append((scope["method"], READ_ONLY_REQUEST.get()))

        middleware = ReadsOutsideTransactions(app)
        for method in ("GET", "HEAD", "POST", "PATCH", "DELETE"):
            await middleware({"type": "http", "method": method}, None, None)
        assert seen == [
            ("GET", True),
            ("HEAD", True),
            ("POST", False),
            ("PATCH", False),
            ("DELETE", False),
        ]
        assert READ_ONLY_REQUEST.get() is False


async def test_writers_of_the_previous_version_and_this_one_keep_one_chain(db: Db):
    """During a rolling upgrade the previous version's writer (advisory lock, head read without
    a row lock, entry, head upsert: history.append_history) and this one's (spine_writes) write
    the same procurement at once: both take the advisory lock, so the chain does not fork."""
    procurement = uuid4()

    async def previous_version(delay: float) -> None:
        await asyncio.sleep(delay)
        async with db.sessions() as session, session.begin():  # type: ignore[operator]
            await append_history(
                session,
                db.spine.history,
                procurement_id=procurement,
                aggregate="package",
                aggregate_id=procurement,
                at=datetime.now(UTC),
                action="send_to_ppk",
                actor=None,
                from_state="draft",
                to_state="with_ppk",
                sop_step="19",
                heads=db.spine.history_heads,
            )
            await asyncio.sleep(0.01)  # hold the lock a little, as a real step does

    async def this_version(delay: float) -> None:
        await asyncio.sleep(delay)
        await hand_over(db, procurement=procurement)

    writers = [previous_version(n * 0.002) for n in range(8)]
    writers += [this_version(n * 0.002 + 0.001) for n in range(8)]
    await asyncio.gather(*writers)
    entries, heads = await chain_of(db, procurement)
    assert len(entries) == 16 and heads[0].entries == 16
    assert verify_chain(entries, heads) is None
