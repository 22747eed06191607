"""Running a service app in-process for a test: its lifespan (consumers, relay) and a client."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from epurchasing_shared.service import Runtime


@asynccontextmanager
async def running_app(
    app: FastAPI, base_url: str = "http://service"
) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        runtime: Runtime = app.state.runtime
        await asyncio.wait_for(runtime.consuming.wait(), timeout=30)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
