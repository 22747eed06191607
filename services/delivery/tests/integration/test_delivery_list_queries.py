"""GET /fulfilments costs one query for a page of 1 and of 20: the page joined to each
fulfilment's open turn (no query per fulfilment), counted on the real database; and each
caller's page is an index walk in its order (EXPLAIN on a spread of rows)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from delivery_flow import Order, in_state, publish, wait_until

from delivery.adapters.repository import list_query
from delivery.app import create_app
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import explain, statements

# The page with its open turns (a left join).
FULFILMENT_LIST_QUERIES = 1


@pytest.fixture
async def counted(delivery_settings) -> AsyncIterator[tuple]:
    app = create_app(delivery_settings, FixedClock())
    async with running_app(app) as client:
        yield client, app.state.runtime.engine


async def test_the_fulfilment_list_costs_the_same_for_1_and_20(
    counted, tokens, infrastructure, topology
):
    client, engine = counted
    unit = f"wu-{uuid4().hex[:8]}"  # this test's own work unit: other tests' rows stay out
    ppk = tokens.ppk(work_unit=unit)
    orders = [Order(work_unit=unit) for _ in range(20)]

    async def listed() -> tuple[list[dict], int]:
        with statements(engine) as seen:
            response = await client.get("/fulfilments?limit=50", headers=ppk)
        assert response.status_code == 200, response.text
        return response.json()["items"], len(seen)

    async def arrived(*batch: Order) -> None:
        for order in batch:
            await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
        for order in batch:
            await wait_until(client, ppk, order.procurement_id, in_state("ready_for_preparation"))

    await arrived(orders[0])
    one, cost_of_one = await listed()
    await arrived(*orders[1:])
    twenty, cost_of_twenty = await listed()

    assert len(one) == 1 and len(twenty) == 20
    assert all(item["turn"] for item in twenty)  # each shows its open turn (the vendor's)
    assert cost_of_one == cost_of_twenty == FULFILMENT_LIST_QUERIES


# A spread of 5,000 fulfilments of 50 work units and 400 vendors, inside a transaction that is
# rolled back (ANALYZE's statistics too).
SPREAD = [
    """INSERT INTO fulfilments (procurement_id, package_id, order_id, order_number, order_date,
        order_version, order_total, shipping_cost, pagu, lines, delivery_address,
        delivery_deadline, work_unit, ppk_id, ppk_name, vendor_id, vendor_name, state, version,
        paid_total, created_at, updated_at)
    SELECT md5('lf' || n)::uuid, md5('lp' || n)::uuid, md5('lo' || n)::uuid, 'SP-' || n,
        DATE '2027-01-04', 1, 1000000, 0, 1000000, '[]', 'Jl. 1', DATE '2027-02-01',
        'list-wu-' || (n % 50), 'list-ppk-' || (n % 50), 'PPK', md5('lv' || (n % 400))::uuid,
        'CV', CASE WHEN n % 10 = 0 THEN 'preparing' ELSE 'completed' END, 3, 0,
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour', TIMESTAMPTZ '2024-01-04'
    FROM generate_series(1, 5000) AS n""",
    "ANALYZE fulfilments",
]


async def test_each_fulfilment_list_walks_an_index_in_its_order(delivery_settings):
    """A PPK's page walks its work unit's fulfilments in (created_at, procurement_id) order
    from the cursor, an auditor's all of them or one state's; none reads the whole table."""
    ppk = Principal(sub="list-ppk-7", role=Role.PPK, name="P", work_unit="list-wu-7")
    vendor = Principal(sub="v", role=Role.VENDOR, name="V", vendor_id=uuid4())
    auditor = Principal(sub="a", role=Role.AUDITOR, name="A")
    after = (datetime(2024, 3, 1, tzinfo=UTC), uuid4())
    cases = {
        "work unit": list_query(ppk, state=None, after=after, limit=51),
        "vendor": list_query(vendor, state=None, after=None, limit=51),
        "all": list_query(auditor, state=None, after=after, limit=51),
        "all, state": list_query(auditor, state="preparing", after=None, limit=51),
    }
    plans = await explain(delivery_settings.database_url, SPREAD, cases)
    for name, plan in plans.items():
        assert "Seq Scan on fulfilments" not in plan, (name, plan)
    assert "ix_fulfilments_work_unit_created" in plans["work unit"], plans["work unit"]
    assert "Sort" not in plans["all"]
    assert "ix_fulfilments_vendor_created" in plans["vendor"], plans["vendor"]
    assert "ix_fulfilments_state_created" in plans["all, state"], plans["all, state"]
