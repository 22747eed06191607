"""Hand-off latency as the issue defines it, from the producer's commit to the consumer's
commit, read from PostgreSQL's own record of when each transaction committed.

For the measured window the bench opens a logical replication slot (``test_decoding``, with
commit timestamps) in each service's database; at the window's end it reads the slot, keeping
only the inserts into ``outbox`` and ``inbox`` and the commits: an ``outbox`` row's commit is
its producer's, an ``inbox`` row's is its consumer's (the inbox row is written in the
transaction that applies the event). Both times are the server's clock, so a hand-off is their
difference, whatever the services' clocks say. The bench's other hand-off figure starts
earlier (when the use case records the event, in the middle of its transaction) and ends
earlier (when the consumer writes its inbox row, first in its transaction).

Logical decoding needs ``wal_level = logical``, which needs a server start:
``benchmarks/postgres_cluster.sh start DIR PORT wal_level=logical``. On a server without it the
bench says so and goes on (:func:`unavailable`). The slots are read after the window, so the
decoding's cost falls outside it, and are temporary ones (:class:`Slots`).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

# test_decoding's lines: "table public.outbox: INSERT: seq[bigint]:1 event_id[uuid]:'…' …",
# and, with include-xids off and include-timestamp on, "COMMIT (at 2026-11-30 07:40:01.12+00)".
INSERT = re.compile(
    r"^table [^.]+\.(outbox|inbox): INSERT: .*?\bevent_id\[uuid\]:'([0-9a-f-]{36})'"
)
COMMIT = re.compile(r"^COMMIT \(at (.+)\)$")
CHANGES = """
SELECT data FROM pg_logical_slot_get_changes(
    $1, NULL, NULL, 'include-xids', '0', 'include-timestamp', '1', 'skip-empty-xacts', '1'
) WITH ORDINALITY AS c(lsn, xid, data, n)
WHERE data LIKE 'COMMIT%' OR data ~ '^table [^.]+\\.(outbox|inbox): INSERT: '
ORDER BY n
"""


@dataclass
class Commits:
    """When each event's producer committed it (``outbox``), and when each consumer committed
    applying it (``inbox``, one per consuming service)."""

    produced: dict[UUID, datetime] = field(default_factory=dict)
    consumed_in: dict[tuple[str, UUID], datetime] = field(default_factory=dict)  # by database

    @property
    def consumed(self) -> dict[UUID, list[datetime]]:
        """Each event's consumer commits, whichever database."""
        found: dict[UUID, list[datetime]] = defaultdict(list)
        for (_, event_id), at in self.consumed_in.items():
            found[event_id].append(at)
        return found

    def read(self, lines: list[str], database: str) -> None:
        """Fold one database's slot output in: each transaction's inserts, then its commit."""
        pending: list[tuple[str, UUID]] = []
        for line in lines:
            if found := INSERT.match(line):
                pending.append((found.group(1), UUID(found.group(2))))
            elif found := COMMIT.match(line):
                at = datetime.fromisoformat(found.group(1))
                for table, event_id in pending:
                    if table == "outbox":
                        self.produced[event_id] = at
                    else:
                        self.consumed_in[database, event_id] = at
                pending = []

    def hand_offs(self) -> dict[UUID, list[float]]:
        """Producer commit → consumer commit, seconds, for each event both ends of which fell
        in the window."""
        return {
            event_id: [(at - self.produced[event_id]).total_seconds() for at in ats]
            for event_id, ats in self.consumed.items()
            if event_id in self.produced
        }


async def unavailable(server: str) -> str | None:
    """Why commit times cannot be read on ``server``, or ``None`` when they can."""
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        level = await admin.fetchval("SELECT current_setting('wal_level')")
        free = await admin.fetchval(
            "SELECT current_setting('max_replication_slots')::int - count(*) "
            "FROM pg_replication_slots"
        )
    finally:
        await admin.close()
    if level != "logical":
        return (
            f"wal_level is {level}, logical decoding needs logical "
            "(benchmarks/postgres_cluster.sh start DIR PORT wal_level=logical)"
        )
    if free < 4:
        return f"{free} replication slots free, four needed"
    return None


def slot_name(run: str, database: str) -> str:
    """``handoff_<run>_<database>``, in the characters a slot's name may hold."""
    return re.sub(r"[^a-z0-9_]", "_", f"handoff_{run}_{database}".lower())[:63]


class Slots:
    """One window's slots: a temporary slot in each database, on a connection held for the
    window. The server drops a temporary slot when its connection ends, so a bench that dies
    leaves none behind (a slot left would keep WAL on the server for ever, and a database
    that has one cannot be dropped)."""

    def __init__(self, server: str, run: str) -> None:
        self._server = server
        self._run = run
        self._held: dict[str, asyncpg.Connection] = {}

    async def open(self, databases: list[str]) -> None:
        """A slot in each database, from now: commits after this are decoded. Creating one
        waits for the transactions running now to end (they are the services' short ones)."""
        for database in databases:
            connection = await asyncpg.connect(
                f"{self._server}/{database}", server_settings={"TimeZone": "UTC"}
            )
            self._held[database] = connection
            await connection.execute(
                "SELECT pg_create_logical_replication_slot($1, 'test_decoding', true)",
                slot_name(self._run, database),
            )

    async def read(self) -> Commits:
        """Every database's commits since its slot was opened; then the slots are gone."""
        commits = Commits()
        try:
            for database, connection in self._held.items():
                rows = await connection.fetch(CHANGES, slot_name(self._run, database))
                commits.read([row["data"] for row in rows], database)
        finally:
            await self.close()
        return commits

    async def close(self) -> None:
        """End the connections, and with them the slots."""
        held, self._held = self._held, {}
        for connection in held.values():
            await connection.close()
