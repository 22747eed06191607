"""The scorecard's running sums on PostgreSQL: after many ratings (some concurrent) the public
scorecard equals a full recomputation from the vendor's ratings; migration 0004 backfills the
sums of ratings made before it."""

import asyncio
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from epurchasing_shared.migrations import alembic_config, create_database_if_missing
from rating.adapters.scorecards_repository import SqlScorecards
from rating.domain.scheme import WeightedResult
from rating.domain.scorecard import RatedPackage, build_scorecard

from .rating_helpers import completion, publish, wait_for_rating

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
JSON_COLUMNS = ("scores", "weights")
KEYS = ("quality_quantity", "cost", "timeliness", "service")


def expected_card(items: list[dict]) -> dict:
    """The scorecard recomputed from every rating of the vendor (the old way)."""
    rated = [
        RatedPackage(
            i["ppk"]["id"], WeightedResult(i["weighted_points"], i["weight_total"]), i["scores"]
        )
        for i in items
        if i["weighted_points"] is not None
    ]
    card = build_scorecard(rated, len(items), sum(i["on_time"] for i in items))
    return {
        "weighted_average": None if card.weighted_average is None else str(card.weighted_average),
        "rating_count": card.rating_count,
        "rating_ppk_count": card.rating_ppk_count,
        "package_count": card.package_count,
        "on_time_package_count": card.on_time_package_count,
        "criterion_averages": {k: str(v) for k, v in card.criterion_averages.items()},
    }


async def all_ratings(client, headers, vendor_id) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"vendor_id": str(vendor_id), "limit": 200} | (
            {"cursor": cursor} if cursor else {}
        )
        page = (await client.get("/ratings", params=params, headers=headers)).json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return items


class TestIncrementalScorecard:
    async def test_equals_a_full_recomputation_after_many_ratings(
        self, rating, infrastructure, topology, tokens
    ):
        client, generator, vendor_id = rating.client, random.Random(27), uuid4()
        opened = []
        for i in range(36):
            who = f"ppk-sum-{i % 5}"
            event = completion(
                procurement_id=uuid4(),
                package_id=uuid4(),
                vendor_id=vendor_id,
                ppk=who,
                on_time=generator.random() < 0.6,
            )
            await publish(infrastructure.amqp_url, topology.exchange, event)
            opened.append((who, event))
        for who, event in opened:
            await wait_for_rating(client, tokens.ppk(who), vendor_id, event.data["package_id"])

        async def rate(who, event):
            scores = {key: generator.randint(1, 3) for key in KEYS}
            body = {"procurement_id": str(event.procurementid), "scores": scores}
            response = await client.post("/ratings", json=body, headers=tokens.ppk(who))
            assert response.status_code == 201, response.text

        # The first half one by one, the second half concurrently (the vendor's lock).
        for who, event in opened[:15]:
            await rate(who, event)
        await asyncio.gather(*(rate(who, event) for who, event in opened[15:30]))

        card = (await client.get(f"/vendors/{vendor_id}/scorecard")).json()
        items = await all_ratings(client, tokens.auditor(), vendor_id)
        assert len(items) == 36
        expected = expected_card(items)
        assert {key: card[key] for key in expected} == expected
        assert expected["rating_count"] == 30 and expected["package_count"] == 36


class TestBackfill:
    async def test_migration_0004_sums_the_ratings_already_there(self, infrastructure, run_id):
        url = infrastructure.database(f"{run_id}_rating_backfill")
        await create_database_if_missing(url)
        config = alembic_config(MIGRATIONS, url)
        try:
            await asyncio.to_thread(command.upgrade, config, "0003")
            vendors = [uuid4(), uuid4()]
            rows = seeded_ratings(vendors, random.Random(4))
            engine = create_async_engine(url)
            async with engine.begin() as connection:
                for row in rows:
                    as_json = {k: json.dumps(row[k]) if row[k] else None for k in JSON_COLUMNS}
                    await connection.execute(INSERT, row | as_json)
            await asyncio.to_thread(command.upgrade, config, "head")
            async with engine.connect() as connection:
                for vendor_id in vendors:
                    mine = [r for r in rows if r["vendor_id"] == vendor_id]
                    session_like = SqlScorecards(connection)  # type: ignore[arg-type]
                    tally = await session_like.get(vendor_id)
                    assert tally is not None
                    assert tally.scorecard() == reference(mine)
                    # The name of the latest completion (two completed at the same hour:
                    # either's name; the seeded hours repeat).
                    last = max(r["completed_at"] for r in mine)
                    names = {r["vendor_name"] for r in mine if r["completed_at"] == last}
                    assert tally.vendor_name in names
            await engine.dispose()
        finally:
            await drop_database(url)


def seeded_ratings(vendors, generator) -> list[dict]:
    """Ratings as the service stored them before 0004: some pending, some rated under another
    weight total (7) than the default (100)."""
    start = datetime(2026, 1, 5, 3, tzinfo=UTC)
    rows = []
    for i in range(60):
        vendor_id = vendors[i % 2]
        rated = i % 4 != 0
        weights = {"quality_quantity": 30, "cost": 20, "timeliness": 30, "service": 20}
        if i % 7 == 0:
            weights = {"quality_quantity": 4, "cost": 3}
        scores = {key: generator.randint(1, 3) for key in weights} if rated else None
        points = sum(weights[k] * scores[k] for k in weights) if scores else None
        rows.append(
            {
                "id": uuid4(),
                "procurement_id": uuid4(),
                "package_id": uuid4(),
                "order_id": uuid4(),
                "order_number": f"SP-{i}",
                "vendor_id": vendor_id,
                "vendor_name": f"CV Maju Jaya {i}",
                "ppk_id": f"ppk-{generator.randint(1, 4)}",
                "ppk_name": "PPK",
                "work_unit": "dinkes",
                "on_time": generator.random() < 0.5,
                "completed_at": start + timedelta(hours=generator.randint(0, 500)),
                "opened_at": start,
                "state": "rated" if rated else "pending",
                "version": 2 if rated else 1,
                "scores": scores,
                "weights": weights if rated else None,
                "weighted_points": points,
                "weight_total": sum(weights.values()) if rated else None,
            }
        )
    return rows


def reference(rows: list[dict]):
    """The scorecard recomputed from the seeded rows."""
    rated = [
        RatedPackage(
            r["ppk_id"], WeightedResult(r["weighted_points"], r["weight_total"]), r["scores"]
        )
        for r in rows
        if r["weighted_points"] is not None
    ]
    return build_scorecard(rated, len(rows), sum(r["on_time"] for r in rows))


INSERT = text(
    """
    INSERT INTO ratings (id, procurement_id, package_id, order_id, order_number, vendor_id,
        vendor_name, ppk_id, ppk_name, work_unit, on_time, completed_at, opened_at, state,
        version, scores, weights, weighted_points, weight_total)
    VALUES (:id, :procurement_id, :package_id, :order_id, :order_number, :vendor_id,
        :vendor_name, :ppk_id, :ppk_name, :work_unit, :on_time, :completed_at, :opened_at,
        :state, :version, CAST(:scores AS jsonb), CAST(:weights AS jsonb), :weighted_points,
        :weight_total)
    """
)


async def drop_database(url: str) -> None:
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await connection.close()
