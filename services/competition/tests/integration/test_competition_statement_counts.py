"""Each request of steps 1–13 reads a purchase request or a competition at most once, counted
on the real database: only the statements on competition's own tables (the spine's,
history, turns, outbox, documents, idempotency, are the unit of work's and counted apart).

Before (a second read of the row just locked, and of the ranking the row holds): an offer
(``POST /competitions/{id}/offers``) 6 statements on these tables, a new competition 4, the
publication 4, package generation 6, the leaderboard 2."""

import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest

from competition.app import create_app
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import statements

from .competition_steps import Buyers, accepted_request, add_product, add_vendor, offer, ok

OWN = re.compile(
    r"\b(purchase_requests|competitions|offers|products|vendors|blacklist_entries|categories|"
    r"mail_outbox)\b"
)
READ_OF = re.compile(r"^SELECT .*? FROM (purchase_requests|competitions)\b", re.DOTALL)
# The competition locked, the vendor's blacklist entries, its offer so far, the products
# offered; the offer.
SUBMIT_OFFER = 5
# The purchase request locked; the request (in competition) and the competition.
NEW_COMPETITION = 3
# The competition locked (with its ranking), saved; the request (who holds the next turn).
PUBLISH = 3
# The competition (with its stored ranking).
LEADERBOARD = 1
GET_COMPETITION = 1


class Counted:
    """The app's client, keeping the statements of each request on the service's tables."""

    def __init__(self, client: httpx.AsyncClient, engine: Any) -> None:
        self.client, self.engine = client, engine
        self.seen: dict[str, list[str]] = {}

    async def __call__(self, name: str, method: str, url: str, **kw: Any) -> httpx.Response:
        with statements(self.engine) as seen:
            response = await self.client.request(method, url, **kw)
        self.seen[name] = [s for s in seen if OWN.search(s)]
        return response

    def reads(self, name: str) -> Counter[str]:
        """How often the request read a purchase request or a competition row."""
        return Counter(m.group(1) for s in self.seen[name] if (m := READ_OF.match(s)))


@pytest.fixture
async def counted(competition_settings) -> AsyncIterator[tuple[Counted, FixedClock]]:
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    app = create_app(competition_settings, clock)
    async with running_app(app) as client:
        yield Counted(client, app.state.runtime.engine), clock


async def test_each_request_reads_its_rows_once(counted, tokens):
    request, clock = counted
    client = request.client
    buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendors = [await add_vendor(client, tokens, name) for name in ("Alpha", "Bina")]
    products = [await add_product(client, tokens, v["id"], category, 8_000_000) for v in vendors]
    heads = [tokens.vendor(v["id"], sub=f"user-{v['name']}") for v in vendors]
    rid = (await accepted_request(client, buyers, category))["id"]

    body = {"purchase_request_id": rid, "kind": "specification", "category": category}
    new = ok(await request("new", "POST", "/competitions", json=body, headers=buyers.official), 201)
    cid = new["id"]
    deadline = {"offer_deadline": (clock.now() + timedelta(days=2)).isoformat()}
    ok(
        await request(
            "open", "POST", f"/competitions/{cid}/open", json=deadline, headers=buyers.official
        )
    )
    for number, (product, head) in enumerate(zip(products, heads, strict=True)):
        terms = offer(product["id"], (7_000_000 + number, 7_000_000))
        ok(
            await request(
                f"offer {number}", "POST", f"/competitions/{cid}/offers", json=terms, headers=head
            ),
            201,
        )
    clock.advance(days=2)
    ok(await request("evaluate", "POST", f"/competitions/{cid}/evaluate", headers=buyers.official))
    board = ok(
        await request(
            "leaderboard", "GET", f"/competitions/{cid}/leaderboard", headers=buyers.official
        )
    )
    ok(await request("publish", "POST", f"/competitions/{cid}/publish", headers=buyers.official))
    ok(
        await request(
            "package", "POST", f"/competitions/{cid}/generate-package", headers=buyers.official
        )
    )
    ok(await request("get", "GET", f"/competitions/{cid}", headers=buyers.official))

    assert [row["vendor_name"] for row in board["ranking"]] == ["Alpha", "Bina"]
    for name in request.seen:
        assert all(n == 1 for n in request.reads(name).values()), (name, request.seen[name])
    assert len(request.seen["offer 1"]) == SUBMIT_OFFER, request.seen["offer 1"]
    assert len(request.seen["new"]) == NEW_COMPETITION, request.seen["new"]
    assert len(request.seen["publish"]) == PUBLISH, request.seen["publish"]
    assert len(request.seen["leaderboard"]) == LEADERBOARD, request.seen["leaderboard"]
    assert len(request.seen["get"]) == GET_COMPETITION, request.seen["get"]
