"""A list costs the same few queries however many items its page holds (no N+1): the
purchase requests (the page, its documents, its open turns) and the competitions (the page,
its open turns, and for a vendor its own offers in them), counted on the real database; and
each list's page is an index walk in its order, never its whole table read and sorted
(EXPLAIN on a spread of rows)."""

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from competition.adapters.procurement_repository import competition_page_query, request_page_query
from competition.app import create_app
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import explain, statements

from .competition_steps import (
    PDF,
    Buyers,
    accepted_request,
    add_product,
    add_vendor,
    offer,
    ok,
    opened_competition,
)

# The page, its documents, its open turns.
REQUEST_LIST_QUERIES = 3
# The page, its open turns; a vendor's also its own offers in the page's competitions.
COMPETITION_LIST_QUERIES = 2
VENDOR_COMPETITION_LIST_QUERIES = 3


@dataclass
class Counted:
    client: httpx.AsyncClient
    engine: AsyncEngine
    clock: FixedClock

    async def listed(self, path: str, headers: dict[str, str]) -> tuple[list[Any], int]:
        """GET a list; its items and how many statements the request ran."""
        with statements(self.engine) as seen:
            body = ok(await self.client.get(path, headers=headers))
        return body["items"], len(seen)


@pytest.fixture
async def counted(competition_settings) -> AsyncIterator[Counted]:
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    app = create_app(competition_settings, clock)
    async with running_app(app) as client:
        yield Counted(client, app.state.runtime.engine, clock)


async def _draft_with_document(client: httpx.AsyncClient, buyers: Buyers) -> None:
    body = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": 50_000_000,
        "title": "Printers",
        "specification": "A4 laser",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [{"category": "printer", "description": "p", "quantity": 2, "unit": "unit"}],
    }
    rid = ok(await client.post("/purchase-requests", json=body, headers=buyers.ppk), 201)["id"]
    files = {"file": ("nota.pdf", PDF, "application/pdf")}
    url = f"/purchase-requests/{rid}/documents"
    ok(await client.post(url, data={"kind": "nota_dinas"}, files=files, headers=buyers.ppk), 201)


async def test_the_purchase_request_list_costs_the_same_for_1_and_20(counted, tokens):
    client, buyers = counted.client, Buyers(tokens)
    await _draft_with_document(client, buyers)
    one, cost_of_one = await counted.listed("/purchase-requests?limit=50", buyers.ppk)
    for _ in range(19):
        await _draft_with_document(client, buyers)
    twenty, cost_of_twenty = await counted.listed("/purchase-requests?limit=50", buyers.ppk)

    assert len(one) == 1 and len(twenty) == 20
    assert all(len(item["documents"]) == 1 and item["turn"] for item in twenty)
    assert cost_of_one == cost_of_twenty == REQUEST_LIST_QUERIES
    # The list shows each request as its own GET does.
    for item in (twenty[0], twenty[-1]):
        alone = ok(await client.get(f"/purchase-requests/{item['id']}", headers=buyers.ppk))
        assert alone == item


async def test_the_competition_list_costs_the_same_for_1_and_20(counted, tokens):
    client, buyers, category = counted.client, Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendor = await add_vendor(client, tokens, "Dharma")
    product = await add_product(client, tokens, vendor["id"], category, 8_000_000)
    seller = tokens.vendor(vendor["id"], sub=f"user-{vendor['id']}")
    deadline = counted.clock.now() + timedelta(days=2)

    async def competition(with_offer: bool) -> None:
        request = await accepted_request(client, buyers, category)
        opened = await opened_competition(client, buyers, request["id"], category, deadline)
        if with_offer:
            url = f"/competitions/{opened['id']}/offers"
            body = offer(product["id"], (7_000_000, 7_000_000))
            ok(await client.post(url, json=body, headers=seller), 201)

    await competition(with_offer=True)
    costs_of_one = [
        await counted.listed("/competitions?limit=50", buyers.official),
        await counted.listed("/competitions?limit=50", seller),
    ]
    for n in range(19):
        await competition(with_offer=n % 2 == 0)
    costs_of_twenty = [
        await counted.listed("/competitions?limit=50", buyers.official),
        await counted.listed("/competitions?limit=50", seller),
    ]

    assert [len(items) for items, _ in costs_of_one] == [1, 1]
    assert [len(items) for items, _ in costs_of_twenty] == [20, 20]
    assert [cost for _, cost in costs_of_one] == [cost for _, cost in costs_of_twenty]
    assert [cost for _, cost in costs_of_twenty] == [
        COMPETITION_LIST_QUERIES,
        VENDOR_COMPETITION_LIST_QUERIES,
    ]
    # The vendor's buttons follow its own offer in each competition, as its GET shows them.
    offered, _ = costs_of_twenty[1]
    assert {tuple(item["allowed_actions"]) for item in offered} == {
        ("revise_offer", "withdraw_offer"),
        ("submit_offer",),
    }
    for item in offered[:2]:
        alone = ok(await client.get(f"/competitions/{item['id']}", headers=seller))
        assert alone == item

    # One request's competitions, wherever they are in the list (here past a page of 1).
    listed, _ = costs_of_twenty[0]
    wanted = listed[-1]["purchase_request_id"]
    query = f"/competitions?limit=1&purchase_request_id={wanted}"
    for who in (buyers.official, seller, tokens.auditor()):
        page = ok(await client.get(query, headers=who))
        assert [item["purchase_request_id"] for item in page["items"]] == [wanted], page
        assert page["items"][0]["id"] == listed[-1]["id"]
    # Still only what the caller may see: another work unit's official sees none of them.
    stranger = tokens.official(sub="official-x", work_unit="elsewhere")
    assert ok(await client.get(query, headers=stranger))["items"] == []


# --- the lists' plans, on a spread of rows (rolled back, ANALYZE's statistics too) ----------

SPREAD = [
    """INSERT INTO purchase_requests (id, work_unit, ppk_id, ppk_name, official_id,
        official_name, rup_code, fiscal_year, dpa_number, pagu, title, specification, items,
        delivery_address, delivery_date, state, version, document_kinds, created_at, updated_at)
    SELECT md5('lr' || n)::uuid, 'list-wu-' || (n % 50), 'list-ppk-' || (n % 50), 'P',
        'list-off-' || (n % 150), 'O', 'R', 2027, 'D', 1, 't', 's', '[]', 'a',
        DATE '2027-06-01', CASE WHEN n % 20 = 0 THEN 'submitted' ELSE 'fulfilled' END, 1, '[]',
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour', TIMESTAMPTZ '2024-01-04'
    FROM generate_series(1, 5000) AS n""",
    """INSERT INTO competitions (id, purchase_request_id, work_unit, kind, category, items,
        pagu, delivery_deadline, state, version, eligible_vendor_ids, created_at, updated_at)
    SELECT md5('lc' || n)::uuid, md5('lr' || n)::uuid, 'list-wu-' || (n % 50), 'specification',
        'c', '[]', 1, DATE '2027-06-01',
        CASE WHEN n % 10 = 0 THEN 'open' ELSE 'package_generated' END, 1,
        (SELECT jsonb_agg(md5('lv' || ((n * 7 + k * 13) % 400))::uuid::text)
         FROM generate_series(1, 8) AS k),
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour', TIMESTAMPTZ '2024-01-04'
    FROM generate_series(1, 5000) AS n""",
    # A GIN index takes new rows into its pending list first, and until that list is merged
    # (VACUUM, or autovacuum some time later) the planner counts reading all of it: here
    # 5 000 rows' worth, which made the vendor's list a Seq Scan in some runs.
    "SELECT gin_clean_pending_list('ix_competitions_eligible_vendor_ids')",
    "ANALYZE purchase_requests",
    "ANALYZE competitions",
]


async def test_each_list_walks_an_index_in_its_order(service):
    """No list reads its whole table: a buyer's requests are two index walks in (created_at,
    id) order (the work unit's, the official's), an admin's one; competitions the same,
    newest first; a vendor's competitions are found through an index (never a Seq Scan)."""
    vendor = UUID(hashlib.md5(b"lv17").hexdigest())  # noqa: S324 (an id, not a secret)
    request = UUID(hashlib.md5(b"lr17").hexdigest())  # noqa: S324 (work unit list-wu-17)
    after = (datetime(2024, 3, 1, tzinfo=UTC), uuid4())
    cases = {
        "buyer": request_page_query(51, None, None, ("list-wu-7", "list-off-7")),
        "buyer, state, cursor": request_page_query(
            51, after, "submitted", ("list-wu-7", "list-off-7")
        ),
        "admin": request_page_query(51, after, None, None),
        "admin, state": request_page_query(51, None, "submitted", None),
        "work unit": competition_page_query(
            51, after, "list-wu-7", None, None, purchase_request_id=None
        ),
        "vendor": competition_page_query(51, None, None, vendor, None, purchase_request_id=None),
        "all": competition_page_query(51, after, None, None, None, purchase_request_id=None),
        "all, state": competition_page_query(
            51, None, None, None, "open", purchase_request_id=None
        ),
        "request": competition_page_query(
            51, None, "list-wu-17", None, None, purchase_request_id=request
        ),
        "all, request": competition_page_query(
            51, after, None, None, None, purchase_request_id=request
        ),
    }
    plans = await explain(service.settings.database_url, SPREAD, cases)
    for name, plan in plans.items():
        assert "Seq Scan on purchase_requests" not in plan, (name, plan)
        assert "Seq Scan on competitions" not in plan, (name, plan)
    for index in (
        "ix_purchase_requests_work_unit_created",
        "ix_purchase_requests_official_created",
    ):
        assert index in plans["buyer"], plans["buyer"]
    assert "Sort" not in plans["admin"] and "ix_purchase_requests_created" in plans["admin"]
    assert "ix_purchase_requests_state_created" in plans["admin, state"]
    assert "ix_competitions_work_unit_created" in plans["work unit"]
    assert "Sort" not in plans["all"]
    assert "ix_competitions_state_created" in plans["all, state"]
    # One request's competitions, a buyer's or an auditor's (from a cursor): its few rows.
    for name in ("request", "all, request"):
        assert "ix_competitions_purchase_request_id" in plans[name], plans[name]
