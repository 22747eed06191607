"""GET /packages costs the same queries for a page of 1 and of 20 (no query per package):
the page and its packages' open turns, counted on the real database; and each caller's page
is an index walk in its order, never the whole table read (EXPLAIN on a spread of rows)."""

import hashlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.statements import explain, statements
from ordering.adapters.packages import list_query

# The page, its open turns.
PACKAGE_LIST_QUERIES = 2


async def test_the_package_list_costs_the_same_for_1_and_20(ordering_harness, make_package_event):
    vendor_id = uuid4()
    events = [make_package_event(vendor_id=vendor_id) for _ in range(20)]
    async with ordering_harness() as h:
        engine, mine = h.app.state.runtime.engine, h.tokens.vendor(vendor_id)

        async def listed() -> tuple[list[dict], int]:
            with statements(engine) as seen:
                response = await h.client.get("/packages?limit=50", headers=mine)
            assert response.status_code == 200, response.text
            return response.json()["items"], len(seen)

        await h.publish(events[0])
        await h.wait_for_package(UUID(events[0].data["package_id"]))
        one, cost_of_one = await listed()
        for event in events[1:]:
            await h.publish(event)
        for event in events[1:]:
            await h.wait_for_package(UUID(event.data["package_id"]))
        twenty, cost_of_twenty = await listed()
        alone = (await h.client.get(f"/packages/{twenty[-1]['id']}", headers=mine)).json()
        wanted, by_procurement = twenty[-1]["procurement_id"], []
        for who in (mine, h.tokens.official(), h.tokens.auditor(), h.tokens.vendor(uuid4())):
            query = f"/packages?limit=1&procurement_id={wanted}"
            response = await h.client.get(query, headers=who)
            assert response.status_code == 200, response.text
            by_procurement.append(response.json())

    assert len(one) == 1 and len(twenty) == 20
    assert all(item["turn"] for item in twenty)  # each shows its open turn (the official's)
    assert cost_of_one == cost_of_twenty == PACKAGE_LIST_QUERIES
    # A list item is the package's summary: its GET shows the same, and more.
    assert {key: alone[key] for key in twenty[-1]} == twenty[-1]
    # One procurement's package, wherever it is in the list (here past a page of 1), and
    # still only for those who may see it.
    assert [[item["procurement_id"] for item in page["items"]] for page in by_procurement] == [
        [wanted],
        [wanted],
        [wanted],
        [],
    ]


# A spread of 5,000 packages of 50 work units and 400 vendors, inside a transaction that is
# rolled back (ANALYZE's statistics too).
SPREAD = [
    """INSERT INTO packages (id, procurement_id, competition_id, offer_id, title, rup_code,
        fiscal_year, work_unit, ppk, official, vendor_id, vendor, offered_lines,
        offered_shipping_cost, lines, shipping_cost, pagu, delivery_address, delivery_deadline,
        state, version, created_at, updated_at)
    SELECT md5('lp' || n)::uuid, md5('lr' || n)::uuid, md5('lc' || n)::uuid, md5('lo' || n)::uuid,
        't', 'R', 2027, 'list-wu-' || (n % 50), '{}', '{}', md5('lv' || (n % 400))::uuid, '{}',
        '[]', 0, '[]', 0, 1, 'a', DATE '2027-06-01',
        CASE WHEN n % 10 = 0 THEN 'processing' ELSE 'closed' END, 1,
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 hour', TIMESTAMPTZ '2024-01-04'
    FROM generate_series(1, 5000) AS n""",
    "ANALYZE packages",
]


async def test_each_package_list_walks_an_index_in_its_order(ordering_harness):
    """A PPK's or official's page walks its work unit's packages in (created_at, id) order
    from the cursor, an auditor's all of them or one state's; none reads the whole table."""
    official = Principal(sub="o", role=Role.PROCUREMENT_OFFICIAL, name="O", work_unit="list-wu-7")
    vendor = Principal(sub="v", role=Role.VENDOR, name="V", vendor_id=uuid4())
    auditor = Principal(sub="a", role=Role.AUDITOR, name="A")
    after = (datetime(2024, 3, 1, tzinfo=UTC), uuid4())
    now = datetime(2027, 1, 20, tzinfo=UTC)
    procurement = UUID(hashlib.md5(b"lr7").hexdigest())  # noqa: S324 (work unit list-wu-7)

    def packages(who: Principal, **filters: Any) -> Any:
        base = {"procurement_id": None, "state": None, "after": None}
        return list_query(who, limit=51, now=now, **(base | filters))

    cases = {
        "work unit": packages(official, after=after),
        "vendor": packages(vendor),
        "all": packages(auditor, after=after),
        "all, state": packages(auditor, state="processing"),
        "procurement": packages(official, procurement_id=procurement),
        "all, procurement": packages(auditor, procurement_id=procurement, after=after),
    }
    async with ordering_harness() as h:
        plans = await explain(h.settings.database_url, SPREAD, cases)
    for name, plan in plans.items():
        assert "Seq Scan on packages" not in plan, (name, plan)
    assert "ix_packages_work_unit_created" in plans["work unit"], plans["work unit"]
    assert "Sort" not in plans["all"]
    assert "ix_packages_vendor_created" in plans["vendor"], plans["vendor"]
    assert _index_condition(plans["all"], "ROW(created_at, id) > ROW("), plans["all"]
    # One procurement's packages, a buyer's or an auditor's (from a cursor): its few rows.
    for name in ("procurement", "all, procurement"):
        assert "ix_packages_procurement_id" in plans[name], plans[name]


def _index_condition(plan: str, condition: str) -> bool:
    """Whether ``condition`` is where the index walk starts (not a filter after it)."""
    return any("Index Cond:" in line and condition in line for line in plan.splitlines())


MAIL_SPREAD = [
    SPREAD[0],
    """INSERT INTO vendor_emails (message_id, package_id, procurement_id, kind, subject, body,
        status, attempts, next_attempt_at, created_at)
    SELECT '<m' || n || '@x>', md5('lp' || n)::uuid, md5('lr' || n)::uuid, 'your_turn', 's',
        'b', CASE WHEN n % 500 = 0 THEN 'pending' ELSE 'sent' END, 1,
        TIMESTAMPTZ '2024-01-04' + n * INTERVAL '1 minute', TIMESTAMPTZ '2024-01-04'
    FROM generate_series(1, 5000) AS n""",
    "ANALYZE packages",
    "ANALYZE vendor_emails",
]


async def test_the_mail_senders_look_walks_the_due_index(ordering_harness):
    """The sender's one look (the next due e-mail or lapsed claim, and whether another is due)
    reads the ``due`` index, not the table of every e-mail ever sent (migration 0007)."""
    from epurchasing_shared.mail.sql import claim_next_query
    from ordering.adapters.tables import vendor_emails

    query = claim_next_query(vendor_emails, datetime(2027, 1, 20, tzinfo=UTC))
    async with ordering_harness() as h:
        plans = await explain(h.settings.database_url, MAIL_SPREAD, {"look": query})
    assert "Seq Scan on vendor_emails" not in plans["look"], plans["look"]
    assert "ix_vendor_emails_due" in plans["look"], plans["look"]
