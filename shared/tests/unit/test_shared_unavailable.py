"""A database that is going away is a 503 with Retry-After, counted, logged once, and the
client's keep-alive connection stays usable; a real 500 is counted too."""

import asyncio
import logging

import asyncpg
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, OperationalError

from epurchasing_shared.db import is_unavailable
from epurchasing_shared.http.problems import install_problem_handlers
from epurchasing_shared.service import _install_metrics


def shutting_down() -> DBAPIError:
    driver = asyncpg.exceptions.AdminShutdownError("terminating connection due to admin command")
    wrapped = DBAPIError("SELECT * FROM t WHERE pagu = $1", {"pagu": 123456789}, Exception())
    wrapped.__cause__ = driver
    wrapped.orig.__cause__ = driver  # as SQLAlchemy's asyncpg adapter chains it
    return wrapped


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    _install_metrics(app)

    @app.get("/down")
    async def down() -> dict:
        raise shutting_down()

    @app.get("/refused")
    async def refused() -> dict:
        raise ConnectionRefusedError(111, "Connection refused")

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("a bug")

    @app.get("/ok")
    async def ok() -> dict:
        return {"ok": True}

    return app


class TestIsUnavailable:
    @pytest.mark.parametrize(
        "error",
        [
            shutting_down(),
            ConnectionRefusedError(111, "refused"),
            OperationalError("SELECT 1", {}, Exception("server closed the connection")),
            asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
            asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        ],
    )
    def test_a_dependency_going_away_is_unavailable(self, error):
        assert is_unavailable(error)

    @pytest.mark.parametrize(
        "error",
        [RuntimeError("bug"), ValueError("bad"), asyncpg.exceptions.UniqueViolationError("dup")],
    )
    def test_a_bug_or_bad_data_is_not(self, error):
        assert not is_unavailable(error)


@pytest.fixture
async def server():
    config = uvicorn.Config(make_app(), host="127.0.0.1", port=0, log_level="warning")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:
        await asyncio.sleep(0.01)
    port = running.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    await task


async def test_a_503_keeps_the_connection_usable_and_is_counted(server, caplog):
    caplog.set_level(logging.WARNING, logger="epurchasing.http")
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=server, limits=limits) as client:
        for _ in range(3):
            down = await client.get("/down")
            assert down.status_code == 503
            assert down.headers["content-type"] == "application/problem+json"
            assert down.headers["retry-after"] == "5"
            assert down.headers.get("connection") != "close"
            ok = await client.get("/ok")  # on the same keep-alive connection
            assert ok.status_code == 200
        assert (await client.get("/refused")).status_code == 503
        assert (await client.get("/boom")).status_code == 500
        metrics = (await client.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/down",status="503"} 3.0' in metrics
    assert 'http_requests_total{method="GET",route="/boom",status="500"} 1.0' in metrics
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "123456789" not in logged  # no request value in any line
    # One line per outage (three /down, one /refused), not one per request.
    assert logged.count("a dependency is unavailable") == 4
    assert "dependency back after" in logged
