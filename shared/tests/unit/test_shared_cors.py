"""A browser on an allowed origin may call the API; any other origin gets no CORS headers."""

import httpx
from fastapi import FastAPI

from epurchasing_shared.http.cors import install_cors

ALLOWED = "https://console.mojokertokab.go.id"


def make_app(origins: list[str]) -> FastAPI:
    app = FastAPI()

    @app.post("/purchase-requests")
    async def draft() -> dict:
        return {}

    install_cors(app, origins)
    return app


async def preflight(app: FastAPI, origin: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.options(
            "/purchase-requests",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, if-match",
            },
        )


async def test_a_preflight_from_an_allowed_origin_is_answered():
    response = await preflight(make_app([ALLOWED]), ALLOWED)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "if-match" in allowed_headers and "authorization" in allowed_headers


async def test_another_origin_gets_no_cors_headers():
    response = await preflight(make_app([ALLOWED]), "https://evil.example")
    assert "access-control-allow-origin" not in response.headers


async def test_no_origin_is_allowed_by_default():
    response = await preflight(make_app([]), ALLOWED)
    assert "access-control-allow-origin" not in response.headers
