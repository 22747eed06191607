"""Acceptance on PostgreSQL: a purchase request and a competition show whose turn it is
(SOP step, due time, overdue); the lists filter by ``overdue`` and ``turn=mine``; the join on
the spine's ``turns`` is answered from indexes (EXPLAIN)."""

from datetime import UTC, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from competition.adapters.procurement_repository import (
    competition_page_query,
    request_page_query,
)
from competition.application.ports import TurnHolder, WorkFilter
from epurchasing_shared.testing.statements import explain

from .competition_steps import PDF, Buyers, accepted_request, ok


async def _draft(client, buyers: Buyers) -> dict:
    body = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": 100_000_000,
        "title": "Printers",
        "specification": "A4 laser",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [{"category": "printer", "description": "A4", "quantity": 2, "unit": "unit"}],
    }
    return ok(await client.post("/purchase-requests", json=body, headers=buyers.ppk), 201)


def _due(turn: dict) -> datetime:
    return datetime.fromisoformat(turn["due_at"])


def _end_of(day: int) -> datetime:
    """The end of that day of March 2026 in WIB: when a turn ending that day is due."""
    return datetime(2026, 3, day, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Jakarta"))


async def _ids(client, path: str, headers: dict, **params) -> list[str]:
    page = ok(await client.get(path, params=params, headers=headers))
    return [item["id"] for item in page["items"]]


async def test_resources_show_their_turn_and_lists_filter_my_work(service, tokens):
    client, buyers = service.client, Buyers(tokens)
    category = f"laptop-{uuid4().hex[:8]}"
    draft = await _draft(client, buyers)
    # Monday 2 March 2026, 09:00 WIB: the PPK has 2 working days to send it (steps 2–3).
    turn = draft["turn"]
    assert {k: v for k, v in turn.items() if k not in ("started_at", "due_at")} == {
        "sop_step": "3",
        "actor_role": "ppk",
        "actor_id": buyers.ppk_id,
        "work_unit": buyers.work_unit,
        "overdue": False,
    }
    assert datetime.fromisoformat(turn["started_at"]) == service.clock.now()
    assert _due(turn) == _end_of(4)
    service.clock.advance(minutes=1)
    accepted = await accepted_request(client, buyers, category)
    assert accepted["turn"]["sop_step"] == "6"
    assert accepted["turn"]["actor_id"] == buyers.official_id
    assert _due(accepted["turn"]) == _end_of(5)
    got = ok(await client.get(f"/purchase-requests/{accepted['id']}", headers=buyers.ppk))
    assert got["turn"] == accepted["turn"]

    requests = "/purchase-requests"
    assert await _ids(client, requests, buyers.ppk, turn="mine") == [draft["id"]]
    assert await _ids(client, requests, buyers.official, turn="mine") == [accepted["id"]]
    assert await _ids(client, requests, buyers.ppk, overdue="true") == []

    # The official drafts the competition (its turn: open it, steps 8–9, 2 days).
    body = {"purchase_request_id": accepted["id"], "kind": "specification", "category": category}
    competition = ok(await client.post("/competitions", json=body, headers=buyers.official), 201)
    assert competition["turn"]["sop_step"] == "9"
    assert _due(competition["turn"]) == _end_of(4)
    got = ok(await client.get(f"/purchase-requests/{accepted['id']}", headers=buyers.official))
    assert got["turn"] is None  # the request's turn ended: the competition's is open
    mine = await _ids(client, "/competitions", buyers.official, turn="mine")
    assert mine == [competition["id"]]

    # Thursday 5 March: the draft (due Wednesday) and the competition (due Wednesday) are late.
    service.clock.set(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))
    late = ok(await client.get(f"/purchase-requests/{draft['id']}", headers=buyers.ppk))
    assert late["turn"]["overdue"] is True
    assert await _ids(client, requests, buyers.ppk, overdue="true") == [draft["id"]]
    assert await _ids(client, requests, buyers.ppk, overdue="false") == [accepted["id"]]
    assert await _ids(client, requests, buyers.official, overdue="true", turn="mine") == []
    competitions = "/competitions"
    assert await _ids(client, competitions, buyers.official, overdue="true", turn="mine") == [
        competition["id"]
    ]
    assert await _ids(client, competitions, buyers.ppk, turn="mine") == []

    # Opening (Thursday, deadline Monday 9 March): the evaluation is due 1 working day after.
    deadline = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    opened = ok(
        await client.post(
            f"/competitions/{competition['id']}/open",
            json={"offer_deadline": deadline.isoformat()},
            headers=buyers.official,
        )
    )
    assert opened["turn"]["sop_step"] == "11"
    assert _due(opened["turn"]) == _end_of(10)
    assert opened["turn"]["overdue"] is False


async def test_the_list_filters_are_checked(service, tokens):
    buyers = Buyers(tokens)
    for params in ({"overdue": "maybe"}, {"turn": "yours"}):
        for path in ("/purchase-requests", "/competitions"):
            response = await service.client.get(path, params=params, headers=buyers.ppk)
            assert response.status_code == 422, (path, params, response.text)


async def test_a_document_leaves_the_ppks_turn_as_it_was(service, tokens):
    client, buyers = service.client, Buyers(tokens)
    draft = await _draft(client, buyers)
    service.clock.advance(hours=5)
    files = {"file": ("nota-dinas.pdf", PDF, "application/pdf")}
    ok(
        await client.post(
            f"/purchase-requests/{draft['id']}/documents",
            data={"kind": "nota_dinas"},
            files=files,
            headers=buyers.ppk,
        ),
        201,
    )
    got = ok(await client.get(f"/purchase-requests/{draft['id']}", headers=buyers.ppk))
    assert got["turn"] == draft["turn"]


# --- the plans, on a spread of rows (rolled back) ------------------------------------------

SPREAD = [
    """INSERT INTO purchase_requests (id, work_unit, ppk_id, ppk_name, official_id,
        official_name, rup_code, fiscal_year, dpa_number, pagu, title, specification, items,
        delivery_address, delivery_date, state, version, document_kinds, created_at, updated_at)
    SELECT md5('r' || n)::uuid, 'plan-wu-' || (n % 50), 'plan-ppk-' || (n % 50), 'P',
        'plan-off-' || (n % 50), 'O', 'R', 2027, 'D', 1, 't', 's', '[]', 'a', DATE '2027-06-01',
        'submitted', 1, '[]', TIMESTAMPTZ '2027-01-04' + n * INTERVAL '1 minute',
        TIMESTAMPTZ '2027-01-04'
    FROM generate_series(1, 5000) AS n""",
    """INSERT INTO turns (id, aggregate, aggregate_id, procurement_id, sop_step, actor_role,
        actor_id, work_unit, working_days, started_at, due_at, done_at)
    SELECT gen_random_uuid(), 'purchase_request', md5('r' || n)::uuid, md5('r' || n)::uuid,
        CASE WHEN k % 2 = 0 THEN '3' ELSE '4' END,
        CASE WHEN k % 2 = 0 THEN 'ppk' ELSE 'procurement_official' END,
        CASE WHEN k % 2 = 0 THEN 'plan-ppk-' ELSE 'plan-off-' END || (n % 50),
        'plan-wu-' || (n % 50), 1, TIMESTAMPTZ '2027-01-04' + k * INTERVAL '1 day',
        CASE WHEN n % 7 = 0 THEN TIMESTAMPTZ '2027-01-06' ELSE TIMESTAMPTZ '2027-03-01' END,
        CASE WHEN k < 5 THEN TIMESTAMPTZ '2027-01-04' + (k + 1) * INTERVAL '1 day' END
    FROM generate_series(1, 5000) AS n, generate_series(0, 5) AS k""",
    "ANALYZE purchase_requests",
    "ANALYZE turns",
]
THEN = datetime(2027, 1, 20, tzinfo=UTC)


async def test_the_turn_filters_are_answered_from_indexes(service):
    """A resource's open turn is found through ``ux_turns_open_aggregate`` (or "my work"
    through ``ix_turns_actor``), never by reading the whole turns table. The spread: 5,000
    requests of 50 work units, each with the six turns of its way so far (the last open)."""
    official = TurnHolder("procurement_official", "plan-off-7", "plan-wu-7")
    ppk = TurnHolder("ppk", "plan-ppk-7", "plan-wu-7")
    cases = {
        "official's work": request_page_query(
            51, None, None, ("plan-wu-7", "plan-off-7"), _work(mine=official)
        ),
        "PPK's overdue work": request_page_query(
            51, None, None, ("plan-wu-7", "plan-ppk-7"), _work(True, ppk)
        ),
        "buyer's on time": request_page_query(
            51, None, None, ("plan-wu-7", "plan-off-7"), _work(overdue=False)
        ),
        "admin's overdue": request_page_query(51, None, None, None, _work(overdue=True)),
        "official's overdue competitions": competition_page_query(
            51, None, "plan-wu-7", None, None, _work(True, official), purchase_request_id=None
        ),
    }
    plans = await explain(service.settings.database_url, SPREAD, cases)
    for name, plan in plans.items():
        assert "Seq Scan on turns" not in plan, (name, plan)
        assert "ux_turns_open_aggregate" in plan or "ix_turns_actor" in plan, (name, plan)


def _work(overdue: bool | None = None, mine: TurnHolder | None = None) -> WorkFilter:
    return WorkFilter(now=THEN, overdue=overdue, mine=mine)
