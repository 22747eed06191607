"""Rate limits per address and per token: 429 problem+json with Retry-After beyond them."""

import httpx
import pytest
from fastapi import FastAPI

from epurchasing_shared.http.rate_limits import RateLimits


def make_app(**limits: object) -> RateLimits:
    app = FastAPI()

    @app.get("/purchase-requests")
    async def listing() -> list:
        return []

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    settings = {"per_address": "5/minute", "per_principal": "3/minute", **limits}
    return RateLimits(app, **settings)  # type: ignore[arg-type]


async def statuses(app, count: int, headers=None, address="10.0.0.1", path="/purchase-requests"):
    transport = httpx.ASGITransport(app=app, client=(address, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return [(await client.get(path, headers=headers or {})) for _ in range(count)]


async def test_one_address_beyond_its_limit_gets_429_with_retry_after():
    responses = await statuses(make_app(), 7)
    assert [r.status_code for r in responses] == [200] * 5 + [429] * 2
    refused = responses[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["status"] == 429


async def test_each_address_has_its_own_allowance():
    app = make_app()
    assert [r.status_code for r in await statuses(app, 5, address="10.0.0.1")] == [200] * 5
    assert [r.status_code for r in await statuses(app, 5, address="10.0.0.2")] == [200] * 5


async def test_a_token_has_a_smaller_allowance_than_its_address():
    app = make_app()
    token = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}
    assert [r.status_code for r in await statuses(app, 4, token)] == [200] * 3 + [429]


async def test_a_forwarded_address_counts_only_behind_a_trusted_proxy():
    forwarded = {"X-Forwarded-For": "203.0.113.9, 10.9.9.9"}
    trusting = make_app(trust_forwarded=True)
    for client in ("10.9.9.1", "10.9.9.2"):  # two proxy replicas, one real client
        await statuses(trusting, 3, forwarded, address=client)
    assert (await statuses(trusting, 1, forwarded))[0].status_code == 429
    spoofed = make_app()  # not behind a proxy: the header is the client's own claim
    results = await statuses(spoofed, 5, {"X-Forwarded-For": "1.2.3.4"})
    assert [r.status_code for r in results] == [200] * 5


@pytest.mark.parametrize("path", ["/healthz"])
async def test_health_is_never_limited(path):
    assert {r.status_code for r in await statuses(make_app(), 10, path=path)} == {200}
