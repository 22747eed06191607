"""Admission control: at most N requests in progress; a burst waits, an overload gets 503."""

import asyncio

import httpx
from fastapi import FastAPI

from epurchasing_shared.http.admission import InFlightLimit


def make_app(release: asyncio.Event, limit: int = 2, queue_seconds: float = 0.2) -> InFlightLimit:
    app = FastAPI()

    @app.get("/purchase-requests")
    async def listing() -> list:
        await release.wait()
        return []

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    return InFlightLimit(app, limit=limit, queue_seconds=queue_seconds)


def client(app: InFlightLimit) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def until(condition, seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_beyond_the_limit_and_the_wait_a_request_gets_503_with_retry_after():
    release = asyncio.Event()
    limiter = make_app(release, limit=2, queue_seconds=0.1)
    async with client(limiter) as http:
        held = [asyncio.create_task(http.get("/purchase-requests")) for _ in range(2)]
        await until(lambda: limiter.in_flight == 2)
        refused = await http.get("/purchase-requests")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"].endswith("/busy")
        assert limiter.shed == 1
        # Health is never held, however busy the process is.
        assert (await http.get("/healthz")).status_code == 200
        release.set()
        assert [r.status_code for r in await asyncio.gather(*held)] == [200, 200]
        assert limiter.in_flight == 0
        assert (await http.get("/purchase-requests")).status_code == 200


async def test_a_burst_waits_for_a_place_instead_of_being_refused():
    release = asyncio.Event()
    limiter = make_app(release, limit=1, queue_seconds=2.0)
    async with client(limiter) as http:
        first = asyncio.create_task(http.get("/purchase-requests"))
        await until(lambda: limiter.in_flight == 1)
        second = asyncio.create_task(http.get("/purchase-requests"))
        await asyncio.sleep(0.05)
        assert not second.done()  # waiting for the first one's place
        release.set()
        assert (await first).status_code == 200
        assert (await second).status_code == 200
        assert limiter.shed == 0


async def test_an_error_in_the_app_gives_its_place_back():
    app = FastAPI()

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("boom")

    limiter = InFlightLimit(app, limit=1, queue_seconds=0)
    transport = httpx.ASGITransport(app=limiter, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for _ in range(3):
            assert (await http.get("/boom")).status_code == 500
    assert limiter.in_flight == 0
