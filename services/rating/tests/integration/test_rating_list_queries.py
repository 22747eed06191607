"""GET /ratings costs one query for a page of 1 and of 20: the page joined to each rating's
open turn (no query per rating), counted on the real database; and the ratings' and the
blacklist's pages are index walks in their order (EXPLAIN on a spread of rows)."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import explain, statements
from rating.adapters.blacklist_repository import page_query as blacklist_page
from rating.adapters.ratings_repository import page_query
from rating.app import create_app

from .rating_helpers import completion, publish, ratings_of

# The page with its open turns (a left join).
RATING_LIST_QUERIES = 1


@pytest.fixture
async def counted(rating_service) -> AsyncIterator[tuple]:
    app = create_app(rating_service.settings, FixedClock(rating_service.clock.now()))
    async with running_app(app) as client:
        yield client, app.state.runtime.engine


async def test_the_rating_list_costs_the_same_for_1_and_20(
    counted, infrastructure, topology, tokens
):
    client, engine = counted
    ppk_id, vendor_id = f"ppk-{uuid4().hex[:8]}", uuid4()
    ppk = tokens.ppk(ppk_id, f"unit-{uuid4().hex[:8]}")
    path = f"/ratings?limit=50&vendor_id={vendor_id}"

    async def listed() -> tuple[list[dict], int]:
        with statements(engine) as seen:
            response = await client.get(path, headers=ppk)
        assert response.status_code == 200, response.text
        return response.json()["items"], len(seen)

    async def completed(count: int) -> None:
        before = len(await ratings_of(client, ppk, vendor_id))
        for _ in range(count):
            event = completion(
                procurement_id=uuid4(), package_id=uuid4(), vendor_id=vendor_id, ppk=ppk_id
            )
            await publish(infrastructure.amqp_url, topology.exchange, event)
        async with asyncio.timeout(15):
            while len(await ratings_of(client, ppk, vendor_id)) < before + count:
                await asyncio.sleep(0.05)

    await completed(1)
    one, cost_of_one = await listed()
    await completed(19)
    twenty, cost_of_twenty = await listed()

    assert len(one) == 1 and len(twenty) == 20
    assert all(item["turn"] for item in twenty)  # each pending one shows the PPK's turn
    assert cost_of_one == cost_of_twenty == RATING_LIST_QUERIES

    # One procurement's rating, wherever it is in its vendor's list (here past a page of 1).
    wanted = twenty[-1]["procurement_id"]
    response = await client.get(
        f"/ratings?limit=1&state=pending&procurement_id={wanted}", headers=ppk
    )
    assert response.status_code == 200, response.text
    assert [item["procurement_id"] for item in response.json()["items"]] == [wanted]


# A spread of 5,000 ratings of 400 vendors (one in ten pending) and 2,000 blacklist entries,
# inside a transaction that is rolled back (ANALYZE's statistics too).
SPREAD = [
    """INSERT INTO ratings (id, procurement_id, package_id, order_id, order_number, vendor_id,
        vendor_name, ppk_id, ppk_name, work_unit, on_time, completed_at, opened_at, state,
        version)
    SELECT md5('lg' || n)::uuid, md5('lr' || n)::uuid, md5('lp' || n)::uuid, md5('lo' || n)::uuid,
        'SP', md5('lv' || (n % 400))::uuid, 'V', 'list-ppk-' || (n % 50), 'P',
        'list-wu-' || (n % 50), true, TIMESTAMPTZ '2024-01-04',
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour',
        CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'rated' END, 1
    FROM generate_series(1, 5000) AS n""",
    """INSERT INTO blacklist_entries (id, vendor_id, vendor_name, reason, decree_reference,
        starts_on, recorded_at, recorded_by, version)
    SELECT md5('lb' || n)::uuid, md5('lv' || (n % 400))::uuid, 'V', 'r', 'SK',
        DATE '2024-01-01' + n, TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour', 'admin', 1
    FROM generate_series(1, 2000) AS n""",
    "ANALYZE ratings",
    "ANALYZE blacklist_entries",
]


async def test_each_rating_list_walks_an_index_in_its_order(rating_service):
    """GET /ratings walks (opened_at, id) from the cursor: all of them, a vendor's, or one
    state's; GET /blacklist (recorded_at, id): none reads its whole table and sorts it."""
    auditor = Principal(sub="a", role=Role.AUDITOR, name="A")
    vendor_id = UUID(hashlib.md5(b"lv17").hexdigest())  # noqa: S324 (an id, not a secret)
    after = (datetime(2024, 3, 1, tzinfo=UTC), uuid4())
    now = datetime(2027, 1, 20, tzinfo=UTC)

    def ratings(**filters: Any) -> Any:
        base = {
            "vendor_id": None,
            "procurement_id": None,
            "state": None,
            "overdue": None,
            "mine": False,
        }
        return page_query(auditor, now=now, limit=51, **(base | filters))

    cases = {
        "all": ratings(after=after),
        "vendor": ratings(vendor_id=vendor_id, after=None),
        "procurement": ratings(
            procurement_id=UUID(hashlib.md5(b"lr17").hexdigest()),  # noqa: S324 (an id)
            state="pending",
            after=None,
        ),
        "state": ratings(state="pending", after=after),
        "blacklist": blacklist_page(
            today=date(2026, 1, 1), active=None, vendor_id=None, limit=51, after=after
        ),
        "blacklist, vendor": blacklist_page(
            today=date(2026, 1, 1), active=True, vendor_id=vendor_id, limit=51, after=None
        ),
    }
    plans = await explain(rating_service.settings.database_url, SPREAD, cases)
    for name, plan in plans.items():
        assert "Seq Scan on ratings" not in plan, (name, plan)
        assert "Seq Scan on blacklist_entries" not in plan, (name, plan)
    assert any(  # the cursor is where the walk starts, not a filter after it
        "Index Cond:" in line and "ROW(opened_at, id) > ROW(" in line
        for line in plans["all"].splitlines()
    ), plans["all"]
    assert "ix_ratings_vendor_opened" in plans["vendor"], plans["vendor"]
    assert "ix_ratings_state_opened" in plans["state"], plans["state"]
    assert "ix_ratings_procurement_id" in plans["procurement"], plans["procurement"]
    assert "Sort" not in plans["all"] and "Sort" not in plans["state"]
    assert "ix_blacklist_entries_recorded" in plans["blacklist"], plans["blacklist"]
    assert "Sort" not in plans["blacklist"]
    assert "ix_blacklist_entries_vendor_recorded" in plans["blacklist, vendor"]
