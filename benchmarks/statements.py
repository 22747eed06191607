"""What PostgreSQL itself spent on the bench's databases in a measured window, from
``pg_stat_statements``: execution and planning time, shared buffers hit and read (and the time
reading them, with ``track_io_timing``), WAL records, full-page images and bytes, per service,
and the statements that took the most time.

The extension must be preloaded (``shared_preload_libraries``), which needs a server start:
``benchmarks/postgres_cluster.sh`` starts a cluster of the bench's own with it. On a server
without it the bench says so and goes on (:func:`snapshot` returns ``None``).
"""

from collections import defaultdict
from dataclasses import dataclass

import asyncpg

COLUMNS = (
    "calls",
    "total_exec_time",
    "total_plan_time",
    "rows",
    "shared_blks_hit",
    "shared_blks_read",
    "shared_blks_dirtied",
    "shared_blks_written",
    "blk_read_time",
    "blk_write_time",
    "wal_records",
    "wal_fpi",
    "wal_bytes",
)


@dataclass(frozen=True)
class Snapshot:
    """Each statement's counters, by (database, query id), and its text."""

    counters: dict[tuple[str, int], tuple[float, ...]]
    texts: dict[tuple[str, int], str]


async def describe_server(server: str) -> str:
    """The settings that change what the bench measures, and a warning where autovacuum is off:
    a statement prepared on a connection while its table was nearly empty can keep a generic
    plan that reads the whole table, and only an ANALYZE (autovacuum's) plans it again."""
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        settings = dict(
            await admin.fetch(
                "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY($1)",
                ["server_version", "shared_buffers", "autovacuum", "shared_preload_libraries"],
            )
        )
    finally:
        await admin.close()
    loaded = "pg_stat_statements" in settings["shared_preload_libraries"]
    line = (
        f"PostgreSQL {settings['server_version']}: shared_buffers {settings['shared_buffers']}, "
        f"autovacuum {settings['autovacuum']}, pg_stat_statements "
        f"{'loaded' if loaded else 'not loaded'}"
    )
    if settings["autovacuum"] != "on":
        line += (
            "\nwarning: autovacuum is off on this server (a production server has it on): plans"
            " cached while a table was nearly empty are never made again as it grows (sequential"
            " scans of outboxes and turns); benchmarks/postgres_cluster.sh starts one with it on"
        )
    return line


async def snapshot(server: str, databases: list[str]) -> Snapshot | None:
    """The counters of ``databases``' statements now; ``None`` where the server has no
    ``pg_stat_statements`` loaded."""
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        preload = await admin.fetchval("SELECT current_setting('shared_preload_libraries')")
        if "pg_stat_statements" not in preload:
            return None
        await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        rows = await admin.fetch(
            f"SELECT d.datname, s.queryid, s.query, {', '.join('s.' + c for c in COLUMNS)} "
            "FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
            "WHERE d.datname = ANY($1) AND s.queryid IS NOT NULL",
            databases,
        )
    finally:
        await admin.close()
    counters: dict[tuple[str, int], tuple[float, ...]] = {}
    texts: dict[tuple[str, int], str] = {}
    for r in rows:
        key = (r["datname"], r["queryid"])
        # A statement can show in two rows (top-level and nested): add them up.
        now = tuple(float(r[c] or 0) for c in COLUMNS)
        counters[key] = tuple(
            a + b for a, b in zip(counters.get(key, (0.0,) * len(now)), now, strict=True)
        )
        texts[key] = r["query"]
    return Snapshot(counters, texts)


def report(
    before: Snapshot | None,
    after: Snapshot | None,
    service_of: dict[str, str],
    seconds: float,
    top: int = 8,
) -> dict[str, float]:
    """Prints the window's figures (``after`` less ``before``); returns the totals."""
    if before is None or after is None:
        print(
            "statements: pg_stat_statements is not loaded on this server (see "
            "benchmarks/postgres_cluster.sh for a cluster of the bench's own with it)"
        )
        return {}
    delta: dict[tuple[str, int], dict[str, float]] = {}
    for key, now in after.counters.items():
        then = before.counters.get(key, (0.0,) * len(now))
        d = dict(zip(COLUMNS, (a - b for a, b in zip(now, then, strict=True)), strict=True))
        if d["calls"] > 0:
            delta[key] = d
    per_service: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0.0))
    for (database, _), d in delta.items():
        for column, value in d.items():
            per_service[service_of[database]][column] += value
    print(
        f"\nPostgreSQL's own account of the window (pg_stat_statements):\n"
        f"{'service':<13}{'calls/s':>9}{'exec ms/s':>10}{'plan ms/s':>10}{'hit %':>7}"
        f"{'reads/s':>9}{'read ms/s':>10}{'dirtied/s':>10}{'WAL FPI/s':>10}{'WAL KB/s':>9}"
    )
    totals = dict.fromkeys(COLUMNS, 0.0)
    for service, s in sorted(per_service.items()):
        for column, value in s.items():
            totals[column] += value
        print(_line(service, s, seconds))
    print(_line("all four", totals, seconds))
    print(f"the {top} statements that took the most time (service: calls/s, mean ms, reads/call):")
    ranked = sorted(delta.items(), key=lambda kv: -kv[1]["total_exec_time"])[:top]
    for (database, queryid), d in ranked:
        text = " ".join(after.texts[(database, queryid)].split())
        print(
            f"  {service_of[database]:<12}{d['calls'] / seconds:>7.1f}"
            f"{d['total_exec_time'] / d['calls']:>8.3f}"
            f"{d['shared_blks_read'] / d['calls']:>7.2f}  {text[:90]}"
        )
    return {f"pg_{column}_per_s": value / seconds for column, value in totals.items()}


def _line(label: str, s: dict[str, float], seconds: float) -> str:
    touched = s["shared_blks_hit"] + s["shared_blks_read"]
    hit = 100 * s["shared_blks_hit"] / touched if touched else float("nan")
    return (
        f"{label:<13}{s['calls'] / seconds:>9.0f}{s['total_exec_time'] / seconds:>10.1f}"
        f"{s['total_plan_time'] / seconds:>10.1f}{hit:>7.1f}"
        f"{s['shared_blks_read'] / seconds:>9.0f}{s['blk_read_time'] / seconds:>10.1f}"
        f"{s['shared_blks_dirtied'] / seconds:>10.0f}{s['wal_fpi'] / seconds:>10.0f}"
        f"{s['wal_bytes'] / 1024 / seconds:>9.0f}"
    )
