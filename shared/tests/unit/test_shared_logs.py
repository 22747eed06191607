"""One log format: JSON with the request, procurement and event ids; no tokens in any line."""

import io
import json
import logging

import httpx
import pytest
from fastapi import FastAPI

from epurchasing_shared import log_context
from epurchasing_shared.http.guard import RequestGuard
from epurchasing_shared.logs import configure_logging

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcGsifQ.c2lnbmF0dXJl"


@pytest.fixture
def lines():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("ordering", json=True, stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers, root.level = saved


def test_a_line_has_the_standard_fields_and_the_context(lines):
    with log_context.scope(event_id="e-1"):
        log_context.bind(procurement_id="p-1")
        logging.getLogger("epurchasing.consumer").warning("applied %s", "x")
    [line] = lines()
    assert line["message"] == "applied x"
    assert line["level"] == "warning"
    assert line["logger"] == "epurchasing.consumer"
    assert line["service"] == "ordering"
    assert line["timestamp"].endswith("Z")
    assert (line["event_id"], line["procurement_id"]) == ("e-1", "p-1")


def test_a_bearer_token_never_reaches_a_line(lines):
    logging.getLogger("x").warning("Authorization: Bearer %s failed", TOKEN)
    [line] = lines()
    assert TOKEN not in json.dumps(line)
    assert "[token]" in line["message"]


def test_an_error_is_one_line_with_its_traceback_as_data(lines):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("x").exception("failed")
    [line] = lines()
    assert line["exception"][0]["exc_type"] == "RuntimeError"


async def test_a_request_carries_its_id_to_every_line_and_back_to_the_caller(lines):
    app = FastAPI()

    @app.post("/packages/{package_id}/process")
    async def process(package_id: str) -> dict:
        log_context.bind(procurement_id="pr-9")  # as the unit of work does
        logging.getLogger("ordering.app").info("processing %s", package_id)
        return {"ok": True}

    guarded = RequestGuard(app, max_json_bytes=1024, max_upload_bytes=1024)
    transport = httpx.ASGITransport(app=guarded)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/packages/k-1/process", headers={"X-Request-ID": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    [line] = [x for x in lines() if x["logger"] == "ordering.app"]
    assert (line["request_id"], line["procurement_id"]) == ("req-42", "pr-9")


@pytest.mark.parametrize("json_lines", [True, False])
def test_a_traceback_never_shows_local_variables(json_lines):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("ordering", json=json_lines, stream=stream)
    try:
        parameters = {"pagu": 987654321}  # noqa: F841 - a local the traceback must not show
        try:
            raise RuntimeError("insert failed")
        except RuntimeError:
            logging.getLogger("x").exception("failed")
    finally:
        root.handlers, root.level = saved
    written = stream.getvalue()
    assert "insert failed" in written
    assert "987654321" not in written
