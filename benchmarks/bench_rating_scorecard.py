"""Benchmark of the rating service's scorecard on the real broker and database; prints figures,
asserts nothing.

    .venv/bin/python benchmarks/bench_rating_scorecard.py [--ratings 22000] [--samples 50]

1. seeds N rated ratings of one vendor (and a few other vendors) at migration 0003, then runs
   migration 0004, whose backfill computes the vendors' running sums (its time is printed);
2. opens ``samples`` more pending ratings of that vendor and rates them through
   ``POST /ratings`` (the in-process app, one request at a time): p50 / p95 latency;
3. reads the vendor's public scorecard ``samples`` times: p50 / p95 latency;
4. for comparison, the time of the full recomputation the scorecard used to run (every rating
   of the vendor read on each rating and each read).
Uses a scratch database and a prefixed topology, both removed at the end.
"""

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import asyncpg
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.messaging.topology import delete_topology
from epurchasing_shared.migrations import alembic_config, create_database_if_missing
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.tokens import Tokens
from rating.app import create_app
from rating.settings import RatingSettings

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "rating" / "migrations"
WEIGHTS = {"quality_quantity": 30, "cost": 20, "timeliness": 30, "service": 20}

INSERT = text(
    """
    INSERT INTO ratings (id, procurement_id, package_id, order_id, order_number, vendor_id,
        vendor_name, ppk_id, ppk_name, work_unit, on_time, completed_at, opened_at, state,
        version, scores, weights, scale_min, scale_max, weighted_points, weight_total, rated_at)
    VALUES (:id, :procurement_id, :package_id, :order_id, :order_number, :vendor_id,
        :vendor_name, :ppk_id, :ppk_name, :work_unit, :on_time, :completed_at, :opened_at,
        :state, :version, CAST(:scores AS jsonb), CAST(:weights AS jsonb), :scale_min,
        :scale_max, :weighted_points, :weight_total, :rated_at)
    """
)
# What the scorecard ran before the running sums, on every rating and every read.
OLD_RECOMPUTATION = (
    "SELECT ppk_id, weighted_points, weight_total FROM ratings "
    "WHERE vendor_id = $1 AND weighted_points IS NOT NULL",
    "SELECT count(*), count(*) FILTER (WHERE on_time) FROM ratings WHERE vendor_id = $1",
    "SELECT vendor_name FROM ratings WHERE vendor_id = $1 ORDER BY completed_at DESC LIMIT 1",
)


def row(vendor_id: uuid.UUID, generator: random.Random, at: datetime, rated: bool) -> dict:
    scores = {key: generator.randint(1, 3) for key in WEIGHTS}
    return {
        "id": uuid.uuid4(),
        "procurement_id": uuid.uuid4(),
        "package_id": uuid.uuid4(),
        "order_id": uuid.uuid4(),
        "order_number": f"SP-{generator.randint(1, 10**6):06d}",
        "vendor_id": vendor_id,
        "vendor_name": "CV Maju Jaya Komputer",
        "ppk_id": f"ppk-{generator.randint(1, 200)}",
        "ppk_name": "PPK Dinas Kesehatan",
        "work_unit": "dinkes",
        "on_time": generator.random() < 0.8,
        "completed_at": at,
        "opened_at": at,
        "state": "rated" if rated else "pending",
        "version": 2 if rated else 1,
        "scores": json.dumps(scores) if rated else None,
        "weights": json.dumps(WEIGHTS) if rated else None,
        "scale_min": 1 if rated else None,
        "scale_max": 3 if rated else None,
        "weighted_points": sum(WEIGHTS[k] * s for k, s in scores.items()) if rated else None,
        "weight_total": 100 if rated else None,
        "rated_at": at if rated else None,
    }


def figures(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{name:<34} p50 {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms   n={len(ms)}"


async def main(count: int, samples: int) -> None:
    run = f"benchrating{uuid.uuid4().hex[:6]}"
    url = f"{SERVER}/{run}"
    await create_database_if_missing(url)
    config = alembic_config(MIGRATIONS, url)
    engine = create_async_engine(url)
    generator, vendor_id = random.Random(27), uuid.uuid4()
    start = datetime(2026, 1, 5, 2, tzinfo=UTC)
    try:
        await asyncio.to_thread(command.upgrade, config, "0003")
        began = time.perf_counter()
        others = [uuid.uuid4() for _ in range(20)]
        rows = [row(vendor_id, generator, start + timedelta(minutes=i), True) for i in range(count)]
        rows += [row(generator.choice(others), generator, start, True) for _ in range(count // 4)]
        pending = [row(vendor_id, generator, start, False) for _ in range(samples)]
        async with engine.begin() as connection:
            for chunk in range(0, len(rows + pending), 2000):
                await connection.execute(INSERT, (rows + pending)[chunk : chunk + 2000])
        took = time.perf_counter() - began
        print(f"seeded {len(rows)} ratings ({count} of the vendor) in {took:.1f} s")
        began = time.perf_counter()
        await asyncio.to_thread(command.upgrade, config, "head")
        print(f"migration 0004 (backfill of the running sums): {time.perf_counter() - began:.2f} s")

        settings = RatingSettings(
            database_url=url, amqp_url=AMQP, topology_prefix=f"{run}.", outbox_poll_seconds=1.0
        )
        app = create_app(settings, SystemClock())
        tokens = Tokens(settings)
        posts, reads = [], []
        async with running_app(app) as client:
            for opened in pending:
                body = {
                    "procurement_id": str(opened["procurement_id"]),
                    "scores": {key: generator.randint(1, 3) for key in WEIGHTS},
                }
                began = time.perf_counter()
                response = await client.post(
                    "/ratings", json=body, headers=tokens.ppk(opened["ppk_id"])
                )
                posts.append(time.perf_counter() - began)
                assert response.status_code == 201, response.text
            for _ in range(samples):
                began = time.perf_counter()
                response = await client.get(f"/vendors/{vendor_id}/scorecard")
                reads.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text
            card = response.json()
            topology = app.state.runtime.topology
        print(figures("POST /ratings", posts))
        print(figures("GET /vendors/{id}/scorecard", reads))
        print(
            f"scorecard: {card['rating_count']} ratings, average {card['weighted_average']}, "
            f"{card['package_count']} packages"
        )

        connection = await asyncpg.connect(
            make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        try:
            old = []
            for _ in range(min(samples, 20)):
                began = time.perf_counter()
                for query in OLD_RECOMPUTATION:
                    await connection.fetch(query, vendor_id)
                old.append(time.perf_counter() - began)
            print(figures("old full recomputation (SQL only)", old))
        finally:
            await connection.close()
        broker = await aio_pika.connect(AMQP)
        async with broker:
            await delete_topology(await broker.channel(), topology)
    finally:
        await engine.dispose()
        admin = make_url(url).set(drivername="postgresql", database="postgres")
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        finally:
            await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=22_000)
    parser.add_argument("--samples", type=int, default=50)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.ratings, arguments.samples))
