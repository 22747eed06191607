"""Benchmark of the competition service's catalogue import on the real broker and database;
prints figures, asserts nothing (the target: p99 of the concurrent reads under 100 ms).

    .venv/bin/python benchmarks/bench_catalogue_import.py [--rows 70000] [--vendors 500]

1. builds a valid CSV import of ``rows`` products of ``vendors`` vendors (about 4 MB at
   70,000 rows);
2. reads ``GET /catalogue/products`` alone for a baseline: p50 / p99;
3. posts the import through ``POST /catalogue/import`` while a reader keeps calling
   ``GET /catalogue/products`` (one after another, on the same event loop): the import's time
   and the reads' p50 / p99 while it runs. The import parses and validates in a worker thread
   (``asyncio.to_thread``) and writes 1,000 rows per INSERT, so the reads go on.
Uses a scratch database and a prefixed topology, both removed at the end.
"""

import argparse
import asyncio
import statistics
import time
import uuid
from pathlib import Path

import aio_pika
import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from competition.app import create_app
from competition.settings import CompetitionSettings
from epurchasing_shared.clock import SystemClock
from epurchasing_shared.messaging.topology import delete_topology
from epurchasing_shared.migrations import alembic_config, create_database_if_missing
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.tokens import Tokens

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
MIGRATIONS = Path(__file__).resolve().parents[1] / "services" / "competition" / "migrations"
CATEGORIES = ("laptop", "printer", "kertas-a4", "proyektor", "meja-kerja", "kursi-kantor")


def import_file(rows: int, vendors: int) -> bytes:
    """A CSV import (about 4 MB at 70,000 rows)."""
    lines = ["vendor_name,vendor_email,category,product_name,unit,unit_price"]
    lines += [
        f"CV Maju {i % vendors:04d},mj{i % vendors:04d}@vendor.id,"
        f"{CATEGORIES[i % len(CATEGORIES)]},Laptop {i:06d},unit,{8_000_000 + i % 5_000}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def figures(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (
        f"{name:<44} p50 {statistics.median(ms):7.1f} ms   p99 {p99:7.1f} ms   "
        f"max {ms[-1]:7.1f} ms   n={len(ms)}"
    )


async def read_products(client, headers, latencies: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        began = time.perf_counter()
        response = await client.get("/catalogue/products?limit=50", headers=headers)
        latencies.append(time.perf_counter() - began)
        assert response.status_code == 200, response.text
        await asyncio.sleep(0.005)


async def main(rows: int, vendors: int) -> None:
    run = f"benchimport{uuid.uuid4().hex[:6]}"
    url = f"{SERVER}/{run}"
    await create_database_if_missing(url)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, url), "head")
        content = import_file(rows, vendors)
        print(f"import file: {rows} rows, {vendors} vendors, {len(content) / 1e6:.1f} MB")
        settings = CompetitionSettings(
            database_url=url,
            amqp_url=AMQP,
            topology_prefix=f"{run}.",
            outbox_poll_seconds=1.0,
            auto_evaluate_seconds=0,
        )
        app = create_app(settings, SystemClock())
        tokens = Tokens(settings)
        reader, admin = tokens.auditor(), tokens.admin()
        async with running_app(app) as client:
            baseline: list[float] = []
            stop = asyncio.Event()
            task = asyncio.create_task(read_products(client, reader, baseline, stop))
            await asyncio.sleep(2)
            stop.set()
            await task
            print(figures("GET /catalogue/products, alone", baseline))

            during: list[float] = []
            stop = asyncio.Event()
            task = asyncio.create_task(read_products(client, reader, during, stop))
            await asyncio.sleep(0.2)
            began = time.perf_counter()
            files = {"file": ("katalog.csv", content, "text/csv")}
            response = await client.post("/catalogue/import", files=files, headers=admin)
            took = time.perf_counter() - began
            stop.set()
            await task
            assert response.status_code == 201, response.text[:500]
            print(f"POST /catalogue/import: {took:.2f} s -> {response.json()}")
            print(figures("GET /catalogue/products, during the import", during))
            p99 = sorted(during)[min(len(during) - 1, int(len(during) * 0.99))] * 1000
            print(f"target p99 < 100 ms: {'met' if p99 < 100 else 'NOT met'} ({p99:.1f} ms)")
            topology = app.state.runtime.topology
        broker = await aio_pika.connect(AMQP)
        async with broker:
            await delete_topology(await broker.channel(), topology)
    finally:
        admin_url = make_url(url).set(drivername="postgresql", database="postgres")
        connection = await asyncpg.connect(admin_url.render_as_string(hide_password=False))
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
        finally:
            await connection.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=70_000)
    parser.add_argument("--vendors", type=int, default=500)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.vendors))
