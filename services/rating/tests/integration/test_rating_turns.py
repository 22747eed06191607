"""Step 27's turn over HTTP and SQL: a completed package opens its PPK's turn (one working
day), the rating shows it, rating closes it; ``GET /ratings?turn=mine`` is the PPK's work and
``overdue=`` filters on the open turn; the join uses indexes (EXPLAIN)."""

import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from epurchasing_shared.principal import Principal, Role
from rating.adapters.ratings_repository import page_query
from rating.adapters.tables import ratings, spine

from .rating_helpers import ALL_GOOD, completion, publish, wait_for_rating

WIB = ZoneInfo("Asia/Jakarta")
# The test clock starts on Monday 2 March 2026, 09:00 WIB: due at the end of Tuesday.
DUE = datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=WIB)
THURSDAY = datetime(2026, 3, 5, 10, 0, tzinfo=WIB)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestTheTurnOfStep27:
    async def test_the_ppks_turn_shows_filters_and_closes(
        self, rating, infrastructure, topology, tokens
    ):
        client, work_unit = rating.client, f"unit-{uuid4().hex[:8]}"
        budi_id, sari_id = f"ppk-budi-{uuid4().hex[:6]}", f"ppk-sari-{uuid4().hex[:6]}"
        budi, sari = tokens.ppk(budi_id, work_unit), tokens.ppk(sari_id, work_unit)
        vendor_id = uuid4()
        opened = {}
        for who, headers in ((budi_id, budi), (budi_id, budi), (sari_id, sari)):
            package_id, procurement_id = uuid4(), uuid4()
            event = completion(
                procurement_id=procurement_id,
                package_id=package_id,
                vendor_id=vendor_id,
                ppk=who,
                work_unit=work_unit,
            )
            await publish(infrastructure.amqp_url, topology.exchange, event)
            found = await wait_for_rating(client, headers, vendor_id, package_id)
            opened[found["id"]] = (who, procurement_id)
        budis = [rid for rid, (who, _) in opened.items() if who == budi_id]
        [saris] = [rid for rid, (who, _) in opened.items() if who == sari_id]

        # The rating shows whose turn it is, the step, due when.
        shown = await client.get(f"/ratings/{budis[0]}", headers=budi)
        assert shown.status_code == 200, shown.text
        turn = shown.json()["turn"]
        assert (turn["sop_step"], turn["actor_role"], turn["actor_id"], turn["work_unit"]) == (
            "27",
            "ppk",
            budi_id,
            work_unit,
        )
        assert datetime.fromisoformat(turn["due_at"]) == DUE
        assert turn["overdue"] is False

        # "My work": each PPK its own pending ratings; none overdue yet.
        mine = await client.get("/ratings", params={"turn": "mine"}, headers=budi)
        assert sorted(ids(mine)) == sorted(budis)
        assert ids(await client.get("/ratings", params={"turn": "mine"}, headers=sari)) == [saris]
        late = {"turn": "mine", "overdue": "true"}
        assert ids(await client.get("/ratings", params=late, headers=budi)) == []

        # Thursday: past the due time.
        rating.clock.set(THURSDAY)
        overdue = await client.get("/ratings", params=late, headers=budi)
        assert sorted(ids(overdue)) == sorted(budis)
        assert all(item["turn"]["overdue"] for item in overdue.json()["items"])
        auditor = tokens.auditor()
        everyone_late = {"overdue": "true", "vendor_id": str(vendor_id)}
        assert sorted(ids(await client.get("/ratings", params=everyone_late, headers=auditor))) == (
            sorted([*budis, saris])
        )

        # Rating closes Budi's turn: the answer shows none, the work list shrinks.
        _, procurement_id = opened[budis[0]]
        rated = await client.post(
            "/ratings",
            json={"procurement_id": str(procurement_id), "scores": ALL_GOOD},
            headers=budi,
        )
        assert rated.status_code == 201, rated.text
        assert rated.json()["turn"] is None
        left = await client.get("/ratings", params={"turn": "mine"}, headers=budi)
        assert ids(left) == [budis[1]]
        on_time_or_none = {"overdue": "false", "vendor_id": str(vendor_id)}
        assert ids(await client.get("/ratings", params=on_time_or_none, headers=auditor)) == [
            budis[0]
        ]

        # The kernel's turn list agrees: done late (Thursday, due Tuesday).
        turns = await client.get(
            "/turns", params={"actor_id": budi_id, "late": "true"}, headers=auditor
        )
        assert turns.status_code == 200, turns.text
        done = [t for t in turns.json()["items"] if t["aggregate_id"] == budis[0]]
        assert done and done[0]["done_action"] == "rate"

        # Nobody else has rating turns; a vendor's "mine" is empty.
        vendor = tokens.vendor(vendor_id)
        assert ids(await client.get("/ratings", params={"turn": "mine"}, headers=vendor)) == []

    async def test_unknown_filter_values_are_refused(self, rating, tokens):
        for params in ({"turn": "theirs"}, {"overdue": "maybe"}):
            response = await rating.client.get("/ratings", params=params, headers=tokens.ppk())
            assert response.status_code == 422, response.text


def _explain_sql(viewer: Principal, **filters) -> str:
    query = page_query(
        viewer,
        vendor_id=None,
        procurement_id=None,
        state=None,
        now=THURSDAY,
        limit=51,
        after=None,
        **({"overdue": None, "mine": False} | filters),
    )
    sql = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return f"EXPLAIN {sql}"


class TestTheJoinUsesIndexes:
    async def test_my_work_and_the_lists_are_served_by_indexes(self, rating):
        """5,000 ratings of 200 PPKs with their turns (in a transaction rolled back): "my
        work" finds the PPK's turns by ix_turns_actor and each rating by its key; the
        unfiltered and overdue lists walk ix_ratings_opened and find each open turn by
        ux_turns_open_aggregate. No sequential scan of either table."""
        draw = random.Random(27)
        start = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
        rating_rows, turn_rows = [], []
        for i in range(5000):
            rid, procurement_id = uuid4(), uuid4()
            who, at = f"ppk-{draw.randrange(200)}", start + timedelta(minutes=i)
            pending = i % 3 != 0
            rating_rows.append(
                {
                    "id": rid,
                    "procurement_id": procurement_id,
                    "package_id": uuid4(),
                    "order_id": uuid4(),
                    "order_number": f"SP-{i}",
                    "vendor_id": uuid4(),
                    "vendor_name": "CV Contoh",
                    "ppk_id": who,
                    "ppk_name": who,
                    "work_unit": f"unit-{draw.randrange(20)}",
                    "on_time": True,
                    "completed_at": at,
                    "opened_at": at,
                    "state": "pending" if pending else "rated",
                    "version": 1,
                }
            )
            turn_rows.append(
                {
                    "id": uuid4(),
                    "procurement_id": procurement_id,
                    "aggregate": "rating",
                    "aggregate_id": rid,
                    "sop_step": "27",
                    "actor_role": "ppk",
                    "actor_id": who,
                    "work_unit": rating_rows[-1]["work_unit"],
                    "working_days": 1,
                    "started_at": at,
                    "due_at": at + timedelta(days=1),
                    "done_at": None if pending else at + timedelta(hours=2),
                }
            )
        budi = Principal(sub="ppk-7", role=Role.PPK, name="Budi", work_unit="unit-3")
        auditor = Principal(sub="auditor-1", role=Role.AUDITOR, name="Inspektorat")
        engine = create_async_engine(rating.settings.database_url)
        try:
            async with engine.connect() as connection:
                transaction = await connection.begin()
                try:
                    await connection.execute(insert(ratings), rating_rows)
                    await connection.execute(insert(spine.turns), turn_rows)
                    await connection.execute(text("ANALYZE ratings"))
                    await connection.execute(text("ANALYZE turns"))
                    plans = {}
                    for name, viewer, filters in (
                        ("mine", budi, {"mine": True}),
                        ("mine overdue", budi, {"mine": True, "overdue": True}),
                        ("all", auditor, {}),
                        ("overdue", auditor, {"overdue": True}),
                    ):
                        result = await connection.execute(text(_explain_sql(viewer, **filters)))
                        plans[name] = "\n".join(row[0] for row in result)
                finally:
                    await transaction.rollback()
        finally:
            await engine.dispose()
        for name, plan in plans.items():
            assert "Seq Scan" not in plan, f"{name}:\n{plan}"
        for name in ("mine", "mine overdue"):
            assert "ix_turns_actor" in plans[name], plans[name]
        for name in ("all", "overdue"):
            assert "ix_ratings_opened" in plans[name], plans[name]
            assert "ux_turns_open_aggregate" in plans[name], plans[name]
