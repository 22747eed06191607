"""Acceptance: competitions are evaluated at their deadline without anyone asking (step 11)."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from competition.adapters.unit_of_work import rules_of, unit_of_work_factory
from competition.app import create_app
from competition.application.auto_evaluation import evaluate_due_competitions
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app

from .competition_steps import (
    Buyers,
    accepted_request,
    add_product,
    add_vendor,
    offer,
    ok,
    opened_competition,
)

SUCCEEDED, FAILED = "competition.competition_succeeded.v1", "competition.competition_failed.v1"


async def open_two(client, clock, tokens):
    """Two open competitions of one work unit: one with an offer, one without."""
    buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendor = await add_vendor(client, tokens, "Alpha")
    product = await add_product(client, tokens, vendor["id"], category, 8_000_000)
    deadline = clock.now() + timedelta(days=2)
    with_offer, without = [
        await opened_competition(
            client, buyers, (await accepted_request(client, buyers, category))["id"], category, d
        )
        for d in (deadline, deadline + timedelta(hours=1))
    ]
    body = offer(product["id"], (7_000_000, 7_000_000))
    url = f"/competitions/{with_offer['id']}/offers"
    ok(await client.post(url, json=body, headers=tokens.vendor(vendor["id"])), 201)
    return buyers, with_offer, without


async def state_becomes(client, headers, cid, wanted, timeout=15.0):
    async with asyncio.timeout(timeout):
        while True:
            found = ok(await client.get(f"/competitions/{cid}", headers=headers))
            if found["state"] == wanted:
                return found
            await asyncio.sleep(0.1)


def events_of(spy, event_type, cid):
    return [e for e in spy.of_type(event_type) if e.data["competition_id"] == cid]


async def test_at_the_deadline_competitions_are_evaluated_by_the_system(
    auto_service, tokens, exchange_spy
):
    client, clock = auto_service.client, auto_service.clock
    buyers, won, empty = await open_two(client, clock, tokens)
    await asyncio.sleep(0.6)  # a few rounds before the deadline: nothing happens
    before = ok(await client.get(f"/competitions/{won['id']}", headers=buyers.official))
    assert before["state"] == "open" and before["allowed_actions"] == []

    clock.advance(days=3)  # past both deadlines; no HTTP call evaluates
    await state_becomes(client, buyers.official, won["id"], "evaluated:succeeded")
    failed = await state_becomes(client, buyers.official, empty["id"], "evaluated:failed")
    assert failed["failure_reason"] == "no_offers"
    succeeded = await exchange_spy.wait_for(
        SUCCEEDED, lambda e: e.data["competition_id"] == won["id"]
    )
    await exchange_spy.wait_for(FAILED, lambda e: e.data["competition_id"] == empty["id"])
    assert (succeeded.actorid, succeeded.actorrole) == (None, None)

    await asyncio.sleep(1.0)  # further rounds and the official's late click change nothing
    late = await client.post(f"/competitions/{won['id']}/evaluate", headers=buyers.official)
    assert late.status_code == 409 and late.json()["current_state"] == "evaluated:succeeded"
    assert len(events_of(exchange_spy, SUCCEEDED, won["id"])) == 1
    assert len(events_of(exchange_spy, FAILED, empty["id"])) == 1

    history = ok(
        await client.get(
            f"/procurements/{won['purchase_request_id']}/history", headers=buyers.official
        )
    )
    evaluations = [h for h in history if h["action"] == "evaluate"]
    assert [(h["actor_role"], h["to_state"], h["sop_step"]) for h in evaluations] == [
        ("system", "evaluated:succeeded", "11")
    ]
    request_id = empty["purchase_request_id"]
    reopened = ok(await client.get(f"/procurements/{request_id}/history", headers=buyers.ppk))
    assert [h["actor_role"] for h in reopened if h["action"] == "reopen"] == ["system"]


async def test_replicas_and_the_official_at_once_evaluate_a_competition_once(
    competition_settings, tokens, exchange_spy
):
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    app = create_app(competition_settings, clock)  # the loop is off: rounds run by hand
    async with running_app(app) as client:
        runtime = app.state.runtime
        buyers, won, _ = await open_two(client, clock, tokens)
        clock.advance(days=3)
        official = client.post(f"/competitions/{won['id']}/evaluate", headers=buyers.official)
        uow, rules = unit_of_work_factory(runtime), rules_of(runtime.settings)
        replicas = [evaluate_due_competitions(uow, rules) for _ in range(3)]
        response, *rounds = await asyncio.gather(official, *replicas)

        by_system = sum(won["id"] in {str(c) for c in done} for done in rounds)
        by_official = response.status_code == 200
        assert by_system + by_official == 1, (response.status_code, rounds)
        if not by_official:
            assert response.status_code == 409
        history = ok(
            await client.get(
                f"/procurements/{won['purchase_request_id']}/history", headers=buyers.official
            )
        )
        assert len([h for h in history if h["action"] == "evaluate"]) == 1
        await exchange_spy.wait_for(SUCCEEDED, lambda e: e.data["competition_id"] == won["id"])
        await asyncio.sleep(1.0)
        assert len(events_of(exchange_spy, SUCCEEDED, won["id"])) == 1
