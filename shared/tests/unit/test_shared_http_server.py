"""The services' HTTP protocol (httptools with a bound on the head) on a real socket: a head
over the bound is refused with 400 and the connection closed, as h11 did; a normal request,
and one whose body arrives in the same read as its head, are served."""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn

from epurchasing_shared.http.server import MAX_REQUEST_HEAD_BYTES, BoundedHttpToolsProtocol


async def app(scope, receive, send) -> None:
    assert scope["type"] == "http"
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(size).encode()})


@pytest.fixture
async def port() -> AsyncIterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    config = uvicorn.Config(
        app, port=free, http=BoundedHttpToolsProtocol, loop="none", log_level="error"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield free
    server.should_exit = True
    await task


async def exchange(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=5)  # until the server closes
    except ConnectionResetError:
        return b""  # closed while the rest of an oversized head was still being sent
    finally:
        writer.close()


@pytest.mark.parametrize("header", [b"X-Big: " + b"a" * MAX_REQUEST_HEAD_BYTES, b"X-Many: a"])
async def test_a_complete_head_over_the_bound_is_refused_and_the_connection_closed(port, header):
    many = 1 if header.startswith(b"X-Big") else MAX_REQUEST_HEAD_BYTES // 8  # 8 bytes each
    head = b"\r\n".join([header] * many)
    answer = await exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400") or answer == b""


async def test_a_head_just_within_the_bound_is_served(port):
    header = b"X-Fine: " + b"a" * (MAX_REQUEST_HEAD_BYTES - 200)
    request = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + header + b"\r\n\r\n"
    assert (await exchange(port, request)).startswith(b"HTTP/1.1 200")


async def test_a_header_that_never_ends_is_refused(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nX-Endless: ")
    with pytest.raises((ConnectionResetError, BrokenPipeError)):
        for _ in range(64):  # 64 x 4 KiB: far past the bound
            writer.write(b"a" * 4096)
            await writer.drain()
            await asyncio.sleep(0.005)
        assert (await asyncio.wait_for(reader.read(), timeout=5)).startswith(b"HTTP/1.1 400")
        raise ConnectionResetError  # answered and closed: the same outcome
    writer.close()


async def test_a_request_within_the_bound_and_a_large_body_in_the_same_read_are_served(port):
    head = b"X-Fine: " + b"a" * (MAX_REQUEST_HEAD_BYTES // 2) + b"\r\n"
    body = b"b" * (4 * MAX_REQUEST_HEAD_BYTES)
    request = (
        b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + head
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    answer = await exchange(port, request)
    assert answer.startswith(b"HTTP/1.1 200") and b"\r\n%d\r\n" % len(body) in answer
