"""Rating a vendor and reading a rating cost few statements, counted on the real database:
only the statements on rating's own tables (the spine's, history, turns, outbox,
idempotency, are the unit of work's and counted apart).

Before (the vendor's review row and its sums each made, then read locked: two statements
apiece; the rating's open turn read on its own): ``POST /ratings`` 8 statements on these
tables, ``GET /ratings/{id}`` 1 and one on the turns."""

import re
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import statements
from rating.app import create_app

from ..conftest import START
from .rating_helpers import ALL_GOOD, completion, publish, wait_for_rating

OWN = re.compile(
    r"\b(ratings|vendor_reviews|vendor_scorecards|vendor_rating_ppks|blacklist_entries)\b"
)
# The rating locked, saved; the vendor's review row and its sums, each locked in one upsert;
# whether the PPK rates the vendor for the first time; the sums saved.
RATE = 6
# The rating with its open turn.
GET_RATING = 1


def own(seen: list[str]) -> list[str]:
    return [statement for statement in seen if OWN.search(statement)]


@pytest.fixture
async def counted(rating_service) -> AsyncIterator[tuple[Any, Any]]:
    app = create_app(rating_service.settings, FixedClock(START))
    async with running_app(app) as client:
        yield client, app.state.runtime.engine


async def test_rating_and_reading_a_rating_cost_few_statements(
    counted, infrastructure, topology, tokens
):
    client, engine = counted
    ppk = tokens.ppk("ppk-1")
    procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
    completed = completion(
        procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id
    )
    await publish(infrastructure.amqp_url, topology.exchange, completed)
    opened = await wait_for_rating(client, ppk, vendor_id, package_id)
    body = {"procurement_id": str(procurement_id), "scores": ALL_GOOD}

    with statements(engine) as rating:
        rated = await client.post("/ratings", json=body, headers=ppk)
    with statements(engine) as reading:
        got = await client.get(f"/ratings/{opened['id']}", headers=ppk)
    card = await client.get(f"/vendors/{vendor_id}/scorecard")

    assert rated.status_code == 201, rated.text
    assert got.status_code == 200, got.text
    assert len(own(rating)) == RATE, own(rating)
    assert len(reading) == GET_RATING, reading  # the turn included
    assert got.json() == rated.json()
    assert card.json()["rating_count"] == 1 and card.json()["package_count"] == 1
