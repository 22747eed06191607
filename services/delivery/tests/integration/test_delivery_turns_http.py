"""Turns over HTTP on PostgreSQL: the fulfilment shows whose turn it is (GET and the action
answers), ``GET /fulfilments?turn=mine`` is each caller's "my work", ``overdue=`` filters by
the open turn's due time, and the list's join on ``turns`` is answered from indexes."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from delivery_flow import Order, in_state, publish, ship, wait_until

from delivery.adapters.repository import list_query
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.statements import explain

# Tuesday 2 March 2027, 10:00 WIB: an ordinary working week (no holiday until Friday).
TUESDAY = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ids(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["procurement_id"] for item in response.json()["items"]}


async def test_turns_show_on_the_resource_and_filter_my_work_and_overdue(
    delivery, tokens, infrastructure, topology
):
    client, clock = delivery.client, delivery.clock
    clock.set(TUESDAY)
    unit = f"wu-{uuid4().hex[:8]}"  # this test's own work unit: other tests' rows stay out
    vendor_side, ppk_side = Order(work_unit=unit), Order(work_unit=unit)
    ppk = tokens.ppk(work_unit=unit)
    for order in (vendor_side, ppk_side):
        await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
        await wait_until(client, ppk, order.procurement_id, in_state("ready_for_preparation"))

    # The acknowledgement (applied from ordering's event) gave the vendor its turn (23).
    body = (await client.get(f"/fulfilments/{vendor_side.procurement_id}", headers=ppk)).json()
    turn = body["turn"]
    assert (turn["sop_step"], turn["actor_role"], turn["actor_id"], turn["work_unit"]) == (
        "23",
        "vendor",
        str(vendor_side.vendor_id),
        unit,
    )
    assert instant(turn["due_at"]) == instant("2027-03-03T23:59:59.999999+07:00")
    assert turn["overdue"] is False

    # The other goes to the PPK: preparation (3 days to ship), shipped, delivered.
    vendor = tokens.vendor(ppk_side.vendor_id)
    base = f"/fulfilments/{ppk_side.procurement_id}"
    started = await client.post(f"{base}/start-preparation", headers=vendor)
    assert started.status_code == 200, started.text
    turn = started.json()["turn"]
    assert turn["sop_step"] == "25"  # due Friday: 3 working days after Tuesday
    assert instant(turn["due_at"]) == instant("2027-03-05T23:59:59.999999+07:00")
    clock.advance(minutes=30)
    assert (await ship(client, vendor, ppk_side.procurement_id, "shipped")).status_code == 201
    clock.advance(minutes=30)
    delivered = await ship(client, vendor, ppk_side.procurement_id, "delivered")
    assert delivered.status_code == 201, delivered.text
    turn = delivered.json()["turn"]
    assert (turn["sop_step"], turn["actor_role"], turn["actor_id"], turn["work_unit"]) == (
        "26",
        "ppk",
        "ppk-1",
        unit,
    )

    # "My work": each caller's own turns.
    mine = "/fulfilments?turn=mine"
    both = {str(vendor_side.procurement_id), str(ppk_side.procurement_id)}
    assert ids(await client.get(mine, headers=ppk)) == {str(ppk_side.procurement_id)}
    assert ids(await client.get(mine, headers=tokens.ppk(sub="ppk-2", work_unit=unit))) == set()
    own = tokens.vendor(vendor_side.vendor_id)
    assert ids(await client.get(mine, headers=own)) == {str(vendor_side.procurement_id)}
    assert ids(await client.get(mine, headers=vendor)) == set()  # its turn is over
    assert ids(await client.get(mine, headers=tokens.auditor())) == set()
    assert ids(await client.get("/fulfilments?limit=200", headers=ppk)) == both

    # Overdue: nothing yet; two working days later both 1-day turns are late.
    assert ids(await client.get("/fulfilments?overdue=true", headers=ppk)) == set()
    assert ids(await client.get("/fulfilments?overdue=false", headers=ppk)) == both
    clock.set(TUESDAY + timedelta(days=2))
    late = await client.get("/fulfilments?overdue=true", headers=ppk)
    assert ids(late) == both
    assert all(item["turn"]["overdue"] for item in late.json()["items"])
    assert ids(await client.get(f"{mine}&overdue=true", headers=ppk)) == {
        str(ppk_side.procurement_id)
    }
    # Keyset pagination goes on through the join.
    first = await client.get("/fulfilments?overdue=true&limit=1", headers=ppk)
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    second = await client.get(f"/fulfilments?overdue=true&limit=1&cursor={cursor}", headers=ppk)
    assert ids(first) | ids(second) == both and not ids(first) & ids(second)

    assert (await client.get("/fulfilments?turn=yours", headers=ppk)).status_code == 422


# A realistic spread, inside a transaction that is rolled back (ANALYZE's statistics too):
# 4,000 fulfilments of 40 vendors in 20 work units, each with three finished turns and one
# open one (one in eight past due).
SPREAD = [
    """INSERT INTO fulfilments (procurement_id, package_id, order_id, order_number, order_date,
        order_version, order_total, shipping_cost, pagu, lines, delivery_address,
        delivery_deadline, work_unit, ppk_id, ppk_name, vendor_id, vendor_name, state, version,
        paid_total, created_at, updated_at)
    SELECT md5('f' || n)::uuid, md5('p' || n)::uuid, md5('o' || n)::uuid, 'SP-' || n,
        DATE '2027-01-04', 1, 1000000, 0, 1000000, '[]', 'Jl. 1', DATE '2027-02-01',
        'plan-wu-' || (n % 20), 'plan-ppk-' || (n % 20), 'PPK', md5('v' || (n % 40))::uuid,
        'CV', 'preparing', 3, 0, TIMESTAMPTZ '2027-01-04' + n * INTERVAL '1 minute', now()
    FROM generate_series(1, 4000) AS n""",
    """INSERT INTO turns (id, procurement_id, aggregate, aggregate_id, sop_step, actor_role,
        actor_id, work_unit, working_days, started_at, due_at, done_at)
    SELECT gen_random_uuid(), md5('f' || n)::uuid, 'fulfilment', md5('f' || n)::uuid, '25',
        CASE WHEN k < 3 THEN 'ppk' ELSE 'vendor' END,
        CASE WHEN k < 3 THEN 'plan-ppk-' || (n % 20) ELSE md5('v' || (n % 40))::uuid::text END,
        'plan-wu-' || (n % 20), 1, TIMESTAMPTZ '2027-01-04' + k * INTERVAL '1 day',
        CASE WHEN k = 3 AND n % 8 = 0 THEN TIMESTAMPTZ '2027-01-05'
             ELSE TIMESTAMPTZ '2027-03-01' END,
        CASE WHEN k < 3 THEN TIMESTAMPTZ '2027-01-04' + (k + 1) * INTERVAL '1 day' END
    FROM generate_series(1, 4000) AS n, generate_series(0, 3) AS k""",
    "ANALYZE fulfilments",
    "ANALYZE turns",
]
NOW_THEN = datetime(2027, 1, 20, tzinfo=UTC)


async def test_the_my_work_and_overdue_lists_are_answered_from_indexes(delivery):
    """Every fulfilment's open turn is found through ``ux_turns_open_aggregate`` (or "my work"
    through ``ix_turns_actor``), never by reading the whole turns table; the fulfilments
    through their own indexes (vendor, work unit, or the keyset's ``ix_fulfilments_created``)."""
    vendor = Principal(sub="v-1", role=Role.VENDOR, name="V", vendor_id=uuid5_of("v7"))
    ppk = Principal(sub="plan-ppk-3", role=Role.PPK, name="B", work_unit="plan-wu-3")
    auditor = Principal(sub="a-1", role=Role.AUDITOR, name="A")

    def page(principal: Principal, **filters: bool) -> Any:
        return list_query(principal, state=None, after=None, limit=51, now=NOW_THEN, **filters)

    few = {  # a vendor's or a PPK's page: a few rows, all through indexes
        "vendor's work": page(vendor, mine=True),
        "PPK's overdue work": page(ppk, mine=True, overdue=True),
        "PPK's on time": page(ppk, overdue=False),
    }
    many = {"auditor's overdue": page(auditor, overdue=True), "auditor's": page(auditor)}
    plans = await explain(delivery.settings.database_url, SPREAD, few | many)
    for name, plan in plans.items():
        assert "Seq Scan on turns" not in plan, (name, plan)
        assert "ux_turns_open_aggregate" in plan or "ix_turns_actor" in plan, (name, plan)
    for name in few:
        assert "Seq Scan" not in plans[name], (name, plans[name])


def uuid5_of(seed: str) -> UUID:
    """The UUID PostgreSQL's ``md5(seed)::uuid`` gives."""
    return UUID(hashlib.md5(seed.encode()).hexdigest())  # noqa: S324 (an id, not a secret)
