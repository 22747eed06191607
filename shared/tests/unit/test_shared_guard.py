"""Every request's bounds: body size before reading, NUL, nesting depth, headers, 405 Allow."""

import asyncio
import resource

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, File, UploadFile

from epurchasing_shared.http.guard import RequestGuard, json_depth
from epurchasing_shared.http.problems import install_problem_handlers


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: dict) -> dict:
        return {"keys": len(body)}

    @app.post("/upload")
    async def upload(file: UploadFile = File(...)) -> dict:
        return {"size": len(await file.read())}

    @app.get("/things")
    async def things(q: str = "") -> dict:
        return {"q": q}

    app.add_middleware(RequestGuard, max_json_bytes=1024 * 1024, max_upload_bytes=100_000)
    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


class TestJsonBodies:
    async def test_an_ordinary_body_passes(self, client):
        response = await client.post("/things", json={"pagu": 100, "nama": "Laptop"})
        assert response.status_code == 200
        assert response.json() == {"keys": 2}

    @pytest.mark.parametrize("text", ["a\x00b", "a\\u0000b", "a\\U0000b"])
    async def test_a_nul_character_is_422(self, client, text):
        body = ('{"nama": "' + text + '"}').encode()
        response = await client.post(
            "/things", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "body"

    async def test_a_nul_in_the_query_is_422(self, client):
        assert (await client.get("/things?q=a%00b")).status_code == 422

    async def test_deep_nesting_is_422_before_any_parser(self, client):
        body = b'{"a":' * 5000 + b"1" + b"}" * 5000
        response = await client.post(
            "/things", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "nested deeper" in response.json()["detail"]

    async def test_a_declared_oversized_body_is_413_unread(self, client):
        response = await client.post(
            "/things",
            content=b"{}",
            headers={"content-type": "application/json", "content-length": str(100 * 2**20)},
        )
        assert response.status_code == 413

    def test_depth_ignores_brackets_inside_strings(self):
        assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3


class TestHeaders:
    async def test_every_response_carries_the_security_headers(self, client):
        response = await client.get("/things")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert "default-src 'none'" in response.headers["content-security-policy"]

    async def test_a_wrong_method_is_405_with_allow(self, client):
        response = await client.delete("/things")
        assert response.status_code == 405
        assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
        assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture
async def server():
    config = uvicorn.Config(make_app(), host="127.0.0.1", port=0, log_level="warning")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{running.servers[0].sockets[0].getsockname()[1]}"
    running.should_exit = True
    await task


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def chunks(total: int, size: int = 64 * 1024):
    for _ in range(total // size):
        yield b" " * size


class TestStreamedBodies:
    async def test_a_100_mib_chunked_json_body_is_413_without_memory_growth(self, server):
        before = rss_mib()
        async with httpx.AsyncClient(base_url=server) as client:
            try:
                response = await client.post(
                    "/things",
                    content=chunks(100 * 2**20),
                    headers={"content-type": "application/json"},
                )
                status = response.status_code
            except httpx.HTTPError:  # the server may close while we still send: also refused
                status = 413
        assert status == 413
        assert rss_mib() - before < 10

    async def test_an_upload_over_its_limit_is_413(self, server):
        async with httpx.AsyncClient(base_url=server) as client:
            response = await client.post(
                "/upload", files={"file": ("big.pdf", b"%PDF-" + b"x" * 200_000, "application/pdf")}
            )
        assert response.status_code == 413
