"""The bench's faithful bulk path for a large history: copies of procurements the real code path
completed, written straight into the four services' databases.

Completing 100 000 procurements through the real code path would take about 8 hours on the
bench's machine, so ``bench_system.py --seed M --clone-to N`` first completes M through the
real path, then copies those M, in SQL, until about N completed procurements are in the
databases. Every row of a completed procurement is copied, in every service, spine included
(history, history heads, turns, documents, outbox, inbox, e-mails): each copy is the
procurement as the services wrote it, with

- every UUID replaced by one derived from it and the copy's number (``md5(uuid:copy)``), the
  same in the four databases, so the copies refer to each other as the originals do; the
  catalogue's vendors and products keep theirs (the copies are more procurements of the same
  vendors, which is what makes a vendor's lists and scorecard grow);
- every timestamp moved back by the copy's number times a spacing, so the copies are an older
  history spread over ``span`` (20 days, within the spine's 30 days of retention: nothing is
  purged during the run, the spine's tables hold every copy's rows);
- what is unique made unique: the purchase-order numbers continue each work unit's sequence
  (in ordering, delivery and rating alike; the counter is moved past them), e-mail message
  ids get the copy's number;
- the vendors' scorecards scaled to their ratings' count.

What is not faithful, and why it does not matter to what is measured: a copy's history rows
keep their originals' hashes (its chain would not verify), and its documents' files are not
copied (a download of one would fail); the bench reads neither. Then ``VACUUM ANALYZE``, as
autovacuum would have done over the months such a history takes, and a ``CHECKPOINT``.
"""

import hashlib
import time
from datetime import timedelta
from uuid import UUID

import asyncpg

__all__ = ["clone_completed", "copy_id", "one_completed"]

# Reference data, not copied: the catalogue, the blacklist, per-vendor and per-work-unit state.
NOT_COPIED = {
    "alembic_version",
    "vendors",
    "categories",
    "products",
    "blacklist_entries",
    "order_number_counters",
    "vendor_scorecards",
    "vendor_reviews",
    "vendor_rating_ppks",
}

# The statement's parameters, named once: the UUIDs kept, the procurements copied, the spacing,
# the highest purchase-order seq, the number of copies; ``copy_no`` is the copy's number.
PARAMETERS = (
    "WITH p AS (SELECT $1::uuid[] AS keep_ids, $2::uuid[] AS procurement_ids, "
    "$3::interval AS spacing, $4::int AS order_seq, $5::int AS copies) "
)

MAIL_DONE = "('sent', 'failed', 'unconfirmed')"

# Which rows of a table belong to the completed procurements; the rest have procurement_id.
OF_PROCUREMENTS = {
    "purchase_requests": "id = ANY(p.procurement_ids)",
    "competitions": "purchase_request_id = ANY(p.procurement_ids)",
    "offers": (
        "competition_id IN (SELECT id FROM competitions"
        " WHERE purchase_request_id = ANY(p.procurement_ids))"
    ),
    "negotiation_rounds": (
        "package_id IN (SELECT id FROM packages WHERE procurement_id = ANY(p.procurement_ids))"
    ),
    "purchase_orders": (
        "package_id IN (SELECT id FROM packages WHERE procurement_id = ANY(p.procurement_ids))"
    ),
    "order_versions": (
        "order_id IN (SELECT o.id FROM purchase_orders o JOIN packages k ON k.id = o.package_id"
        " WHERE k.procurement_id = ANY(p.procurement_ids))"
    ),
    # The spine's own: published events whose subject is one of them, and every inbox row
    # and idempotency key (the seed's requests and deliveries are those procurements').
    # (The subject is not always the procurement: "vendor/<id>", "<aggregate>/<id>".)
    "outbox": (
        "published_at IS NOT NULL AND (envelope->>'procurementid')::uuid = ANY(p.procurement_ids)"
    ),
    # E-mails whose sending is over: a pending copy would be sent, a copy left "sending"
    # would be claimed again (its lease moved back with it) and flagged unconfirmed.
    "vendor_emails": f"procurement_id = ANY(p.procurement_ids) AND status IN {MAIL_DONE}",
    "mail_outbox": f"procurement_id = ANY(p.procurement_ids) AND status IN {MAIL_DONE}",
    "inbox": "TRUE",
    "idempotency_keys": "TRUE",
}

# Columns made unique per copy; the rest are copied, UUIDs and timestamps as above. A copy's
# purchase-order number continues its work unit's sequence (the default template ends with
# {seq:04d}: at least four digits), the same in ordering, delivery and rating.
NEXT_ORDER_SEQ = "(seq + copy_no * p.order_seq)"


def _number_of_copy(column: str) -> str:
    seq = f"(substring({column} from '\\d+$')::int + copy_no * p.order_seq)"
    digits = f"lpad({seq}::text, greatest(4, length({seq}::text)), '0')"
    return f"regexp_replace({column}, '\\d+$', {digits})"


MESSAGE_ID_OF_COPY = "regexp_replace(message_id, '(@|$)', '.c' || copy_no || '\\1')"
UNIQUE_PER_COPY = {
    ("purchase_orders", "seq"): NEXT_ORDER_SEQ,
    ("purchase_orders", "number"): _number_of_copy("number"),
    ("fulfilments", "order_number"): _number_of_copy("order_number"),
    ("ratings", "order_number"): _number_of_copy("order_number"),
    ("vendor_emails", "message_id"): MESSAGE_ID_OF_COPY,
    ("mail_outbox", "message_id"): MESSAGE_ID_OF_COPY,
    ("idempotency_keys", "key"): "key || '.c' || copy_no",
}


def copy_id(original: UUID | str, copy_no: int) -> str:
    """The UUID the copy ``copy_no`` gives ``original`` (as the SQL does: md5 of "uuid:n")."""
    digest = hashlib.md5(f"{original}:{copy_no}".encode(), usedforsecurity=False)
    return str(UUID(digest.hexdigest()))


async def one_completed(dsns: dict[str, str]) -> tuple[str, str, str]:
    """One of the procurements copied: its id, its package's and its rating's."""
    procurement_id = (await completed_procurements(dsns))[0]
    rating = await asyncpg.connect(dsns["rating"])
    try:
        row = await rating.fetchrow(
            "SELECT package_id, id FROM ratings WHERE procurement_id = $1", procurement_id
        )
    finally:
        await rating.close()
    return str(procurement_id), str(row[0]), str(row[1])


async def completed_procurements(dsns: dict[str, str]) -> list[UUID]:
    """Procurements rated (step 27) with no turn left open in any service."""
    rating = await asyncpg.connect(dsns["rating"])
    try:
        ids = {
            r[0]
            for r in await rating.fetch(
                "SELECT procurement_id FROM ratings WHERE rated_at IS NOT NULL"
            )
        }
    finally:
        await rating.close()
    for dsn in dsns.values():
        connection = await asyncpg.connect(dsn)
        try:
            ids -= {
                r[0]
                for r in await connection.fetch(
                    "SELECT DISTINCT procurement_id FROM turns WHERE done_at IS NULL"
                )
            }
        finally:
            await connection.close()
    return sorted(ids)


async def _columns(connection: asyncpg.Connection, table: str) -> list[tuple[str, str, bool]]:
    rows = await connection.fetch(
        "SELECT column_name, data_type, is_identity = 'YES' FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def _referenced_first(connection: asyncpg.Connection) -> list[str]:
    """The database's tables, each after those its foreign keys refer to."""
    names = [
        r[0]
        for r in await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    refers: dict[str, set[str]] = {name: set() for name in names}
    for r in await connection.fetch(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = 'public'::regnamespace"
    ):
        refers[r[0]].add(r[1])
    ordered: list[str] = []
    while refers:
        ready = sorted(t for t, to in refers.items() if not to - set(ordered) - {t})
        if not ready:
            raise RuntimeError(f"foreign keys in a cycle: {sorted(refers)}")
        ordered += ready
        for name in ready:
            del refers[name]
    return ordered


def _copy_of(table: str, column: str, data_type: str) -> str:
    name = f'"{column}"'
    if (table, column) in UNIQUE_PER_COPY:
        return UNIQUE_PER_COPY[(table, column)]
    if data_type == "uuid":
        return (
            f"CASE WHEN {name} = ANY(p.keep_ids) THEN {name}"
            f" ELSE md5({name}::text || ':' || copy_no)::uuid END"
        )
    if data_type == "timestamp with time zone":
        return f"{name} - copy_no * p.spacing"
    return name


async def _clone_database(
    dsn: str, ids: list[UUID], keep: list[UUID], copies: int, spacing: timedelta, order_seq: int
) -> dict[str, int]:
    connection = await asyncpg.connect(dsn)
    inserted: dict[str, int] = {}
    try:
        tables = await _referenced_first(connection)
        async with connection.transaction():
            for table in tables:
                if table in NOT_COPIED:
                    continue
                every = await _columns(connection, table)
                columns = [c for c in every if not c[2]]
                identity = [c[0] for c in every if c[2]]
                names = ", ".join(f'"{c[0]}"' for c in columns)
                values = ", ".join(_copy_of(table, c[0], c[1]) for c in columns)
                where = OF_PROCUREMENTS.get(table, "procurement_id = ANY(p.procurement_ids)")
                order = ", ".join(["copy_no"] + [f'"{c}"' for c in identity])
                status = await connection.execute(
                    f'{PARAMETERS} INSERT INTO "{table}" ({names}) SELECT {values} '
                    f'FROM p, "{table}", generate_series(1, p.copies) AS copy_no '
                    f"WHERE {where} ORDER BY {order}",
                    keep,
                    ids,
                    spacing,
                    order_seq,
                    copies,
                )
                inserted[table] = int(status.split()[-1])
            if "history_heads" in tables:
                # A copy's head points at its own last history row.
                await connection.execute(
                    "UPDATE history_heads h SET last_seq = m.seq FROM (SELECT procurement_id, "
                    "max(seq) AS seq FROM history GROUP BY procurement_id) m "
                    "WHERE m.procurement_id = h.procurement_id AND h.last_seq <> m.seq"
                )
            if "order_number_counters" in tables:
                await connection.execute(
                    "UPDATE order_number_counters n SET last_seq = m.seq FROM (SELECT work_unit, "
                    "year, max(seq) AS seq FROM purchase_orders GROUP BY 1, 2) m "
                    "WHERE m.work_unit = n.work_unit AND m.year = n.year"
                )
            if "vendor_scorecards" in tables:
                # Each vendor's running sums now count every copy of its ratings too (a score's
                # sum and count: [s, n]).
                factor = copies + 1
                await connection.execute(
                    "UPDATE vendor_scorecards SET package_count = package_count * $1, "
                    "on_time_package_count = on_time_package_count * $1, "
                    "rating_count = rating_count * $1, "
                    "result_sum_numerator = result_sum_numerator * $1, "
                    "weighted_points_sum = weighted_points_sum * $1, "
                    "weight_total_sum = weight_total_sum * $1, "
                    "score_sums = coalesce((SELECT jsonb_object_agg(key, jsonb_build_array("
                    "(value->>0)::bigint * $1, (value->>1)::bigint * $1)) "
                    "FROM jsonb_each(score_sums)), '{}'::jsonb)",
                    factor,
                )
    finally:
        await connection.close()
    return inserted


async def clone_completed(dsns: dict[str, str], total: int, span: timedelta) -> str:
    """Copy the completed procurements until about ``total`` are in the databases (``dsns``:
    service name to its database), the copies spread over ``span`` before them; returns a
    line saying what was done."""
    began = time.perf_counter()
    ids = await completed_procurements(dsns)
    if not ids:
        raise RuntimeError("no completed procurement to copy: seed some first (--seed)")
    copies = total // len(ids) - 1
    if copies < 1:
        raise RuntimeError(
            f"{len(ids)} procurements are complete already: nothing to copy up to {total}"
        )
    spacing = span / copies
    competition = await asyncpg.connect(dsns["competition"])
    ordering = await asyncpg.connect(dsns["ordering"])
    try:
        keep = [
            r[0]
            for r in await competition.fetch("SELECT id FROM vendors UNION SELECT id FROM products")
        ]
        # The highest purchase-order seq, so each copy's numbers follow the last one's.
        order_seq = await ordering.fetchval("SELECT coalesce(max(seq), 0) FROM purchase_orders")
    finally:
        await competition.close()
        await ordering.close()
    rows = 0
    for dsn in dsns.values():
        rows += sum((await _clone_database(dsn, ids, keep, copies, spacing, order_seq)).values())
    vacuumed = time.perf_counter()
    for dsn in dsns.values():
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("VACUUM ANALYZE")
        finally:
            await connection.close()
    # The copies' pages written out now, not by a checkpoint during the measurement.
    connection = await asyncpg.connect(dsns["competition"])
    try:
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()
    return (
        f"copied {len(ids)} completed procurements {copies} times: "
        f"{len(ids) * (copies + 1)} completed in all, {rows} rows written in "
        f"{vacuumed - began:.0f} s, VACUUM ANALYZE and CHECKPOINT "
        f"{time.perf_counter() - vacuumed:.0f} s"
    )
