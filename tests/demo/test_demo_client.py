"""The demo driver's HTTP client (epurchasing_demo.client) against a real FastAPI app behind
uvicorn on a free port: uploads arrive as the services parse them, a busy service is asked
again after its Retry-After, a service that cannot be talked to is Unreachable, and an idle
connection is dropped before the server would drop it."""

import asyncio
import itertools
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from epurchasing_demo import client
from epurchasing_demo.client import (
    BUSY_ATTEMPTS,
    Api,
    DriverError,
    Endpoints,
    Unreachable,
    http_client,
)
from epurchasing_demo.model import PDF, pdf
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

BUSY = {
    "type": "https://epurchasing.example/problems/busy",
    "title": "Service Unavailable",
    "status": 503,
    "detail": "the service is serving as many requests as it can; retry after 2 s",
}


@dataclass
class Seen:
    at: float
    method: str
    path: str
    client_port: int
    body: dict[str, Any]


@dataclass
class Server:
    url: str
    seen: list[Seen] = field(default_factory=list)
    answers: list[JSONResponse] = field(default_factory=list)  # next answers, then 201

    def of(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


async def _body(request: Request) -> dict[str, Any]:
    """What the services would get: the form parsed by Starlette (field -> values, a file as
    filename, content type and content), or the JSON body."""
    media_type = request.headers.get("content-type", "").split(";")[0]
    if media_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields: dict[str, list[Any]] = {}
        async with request.form() as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    content = await value.read()
                    value = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "is_the_pdf": content == PDF,
                    }
                fields.setdefault(name, []).append(value)
        return {"media_type": media_type, "fields": fields}
    raw = await request.body()
    return {"media_type": media_type, "json": await request.json() if raw else None}


def _app(server: Server) -> FastAPI:
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PATCH"])
    async def echo(request: Request, path: str) -> Response:
        assert request.client is not None
        body = await _body(request)
        server.seen.append(
            Seen(time.monotonic(), request.method, f"/{path}", request.client.port, body)
        )
        if path == "empty":
            return Response(status_code=204)
        if server.answers:
            return server.answers.pop(0)
        return JSONResponse(body, status_code=201)

    return app


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    found = Server(f"http://127.0.0.1:{sock.getsockname()[1]}")
    config = uvicorn.Config(_app(found), log_level="warning", lifespan="off")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve(sockets=[sock]))
    while not running.started:
        await asyncio.sleep(0.01)
    yield found
    running.should_exit = True
    await task
    sock.close()


def _endpoints(url: str) -> Endpoints:
    return Endpoints(url, url, url, url)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once closed


async def test_files_and_form_fields_arrive_as_the_services_parse_them(server: Server) -> None:
    async with http_client() as http:
        got = await Api(_endpoints(server.url), http).call(
            "delivery",
            "POST",
            "/fulfilments/1/payments",
            headers={"Authorization": "Bearer x"},
            data={"amount": "1500000", "line_no": ["1", "2"]},
            files={"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")},
        )
    assert got == {
        "media_type": "multipart/form-data",
        "fields": {
            "amount": ["1500000"],
            "line_no": ["1", "2"],  # a list: the field repeated
            "payment_document": [
                {"filename": "sp2d.pdf", "content_type": "application/pdf", "is_the_pdf": True}
            ],
            "receipt": [
                {"filename": "kwitansi.pdf", "content_type": "application/pdf", "is_the_pdf": True}
            ],
        },
    }


async def test_a_filename_arrives_as_written(server: Server) -> None:
    async with http_client() as http:
        got = await Api(_endpoints(server.url), http).call(
            "delivery",
            "POST",
            "/fulfilments/1/inspection",
            headers={},
            files={"bap": ('BAP ttd é"q.pdf', PDF, "application/pdf")},
        )
    assert got["fields"]["bap"][0]["filename"] == 'BAP ttd é"q.pdf'


async def test_a_body_the_server_never_reads_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiohttp has no write timeout: the whole request is bounded instead."""

    async def never_read(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    listening = await asyncio.start_server(never_read, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    big = ("big.pdf", b"%PDF-" + b"x" * 50_000_000, "application/pdf")
    started = time.monotonic()
    try:
        async with http_client(timeout=0.5) as http:
            with pytest.raises(Unreachable):
                await Api(_endpoints(url), http).call(
                    "delivery", "POST", "/x", headers={}, files={"document": big}
                )
    finally:
        listening.close()
    assert time.monotonic() - started < 10


async def test_form_fields_alone_are_urlencoded_and_json_is_json(server: Server) -> None:
    async with http_client() as http:
        api = Api(_endpoints(server.url), http)
        form = await api.call(
            "delivery", "POST", "/shipments", headers={}, data={"status": "packed", "note": "é & x"}
        )
        body = {"note": "Pengadaan laptop é", "lines": [1, 2]}
        sent = await api.call("competition", "PATCH", "/competitions/1", headers={}, json=body)
        empty = await api.call("competition", "POST", "/empty", headers={}, expect=(204,))
    assert form == {
        "media_type": "application/x-www-form-urlencoded",
        "fields": {"status": ["packed"], "note": ["é & x"]},
    }
    assert sent == {"media_type": "application/json", "json": body}
    assert empty is None
    assert server.of("/empty")[0].body == {"media_type": "", "json": None}  # no body, no type


async def test_a_busy_service_is_asked_again_after_its_retry_after(server: Server) -> None:
    server.answers.append(JSONResponse(BUSY, status_code=503, headers={"Retry-After": "2"}))
    async with http_client() as http:
        got = await Api(_endpoints(server.url), http).call(
            "competition",
            "POST",
            "/purchase-requests/1/documents",
            headers={},
            data={"kind": "nota_dinas"},
            files={"file": pdf("nota-dinas.pdf")},
        )
    first, second = server.seen
    assert second.at - first.at >= 1.9  # Retry-After: 2, not the default 1 s
    # The same upload, whole, the second time.
    assert first.body == second.body == got
    assert got["fields"]["file"] == [
        {"filename": "nota-dinas.pdf", "content_type": "application/pdf", "is_the_pdf": True}
    ]


async def test_a_busy_service_is_asked_at_most_busy_attempts_times(server: Server) -> None:
    no_wait = JSONResponse(BUSY, status_code=503, headers={"Retry-After": "0"})
    server.answers.extend([no_wait] * BUSY_ATTEMPTS)
    async with http_client() as http:
        with pytest.raises(DriverError, match=r"-> 503 \(rating\): Service Unavailable: the"):
            await Api(_endpoints(server.url), http).call("rating", "POST", "/ratings", headers={})
    assert len(server.seen) == BUSY_ATTEMPTS


async def test_a_503_that_is_not_busy_is_not_repeated(server: Server) -> None:
    outage = {"type": "https://epurchasing.example/problems/unavailable", "detail": "database"}
    server.answers.append(JSONResponse(outage, status_code=503, headers={"Retry-After": "0"}))
    async with http_client() as http:
        with pytest.raises(DriverError, match=r"POST .*/ratings -> 503 \(rating\): : database"):
            await Api(_endpoints(server.url), http).call("rating", "POST", "/ratings", headers={})
    assert len(server.seen) == 1


async def test_poll_waits_for_the_state_asked_for(server: Server) -> None:
    server.answers.extend(
        [JSONResponse({"state": "draft"}), JSONResponse({"detail": "no"}, status_code=404)]
    )
    server.answers.append(JSONResponse({"state": "accepted"}))
    async with http_client() as http:
        found = await Api(_endpoints(server.url), http).poll(
            "ordering",
            "/packages/1",
            headers={},
            until=lambda body: body.get("state") == "accepted",
            what="the package",
            interval=0.01,
        )
    assert found == {"state": "accepted"}
    assert [s.method for s in server.seen] == ["GET"] * 3


async def test_poll_asks_less_and_less_often_up_to_the_longest_interval(server: Server) -> None:
    server.answers.extend([JSONResponse({"state": "draft"})] * 6 + [JSONResponse({"state": "ok"})])
    async with http_client() as http:
        await Api(_endpoints(server.url), http).poll(
            "rating",
            "/ratings/1",
            headers={},
            until=lambda body: body.get("state") == "ok",
            what="the rating",
            interval=0.05,
            longest_interval=0.12,
        )
    at = [s.at for s in server.seen]
    gaps = [b - a for a, b in itertools.pairwise(at)]
    assert len(gaps) == 6
    assert gaps[0] < 0.1 and gaps[2] > 0.1  # 0.05, 0.075, 0.1125, then 0.12 each
    assert all(gap < 0.2 for gap in gaps)  # never past the longest (plus a margin)


async def test_a_service_that_cannot_be_talked_to_is_unreachable() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    async with http_client() as http:
        api = Api(_endpoints(url), http)
        with pytest.raises(Unreachable, match=rf"^ordering service not reachable at {url}/x: "):
            await api.call("ordering", "POST", "/x", headers={}, json={})
        with pytest.raises(Unreachable, match=rf"^ordering service not reachable at {url}/y: "):
            await api.poll("ordering", "/y", headers={}, until=bool, what="y")
        with pytest.raises(
            Unreachable, match=rf"the competition service is not reachable at {url}"
        ):
            await api.check_reachable()


async def test_a_connection_closed_without_an_answer_is_unreachable() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    listening = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
    try:
        async with http_client() as http:
            with pytest.raises(
                Unreachable, match=r"rating service not reachable at .*Disconnected"
            ):
                await Api(_endpoints(url), http).call("rating", "POST", "/x", headers={})
    finally:
        listening.close()
        await listening.wait_closed()


async def test_an_idle_connection_is_dropped_before_the_server_drops_it(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.KEEPALIVE_EXPIRY_SECONDS < 5  # uvicorn closes an idle connection after 5 s
    monkeypatch.setattr(client, "KEEPALIVE_EXPIRY_SECONDS", 0.3)
    async with http_client() as http:
        api = Api(_endpoints(server.url), http)
        for wait in (0, 0, 0.6, 0):
            await asyncio.sleep(wait)
            await api.call("rating", "GET", "/ratings", headers={}, expect=(201,))
    ports = [s.client_port for s in server.seen]
    assert ports[0] == ports[1] != ports[2] == ports[3]  # kept alive, then a new connection
