"""No route runs anything in FastAPI's thread pool: every endpoint and every dependency it
solves is ``async``. FastAPI runs a plain ``def`` dependency through ``run_in_threadpool``, a
thread hop per request for what is a dictionary lookup (5 % of competition's CPU under load
before they were made ``async``: docs/performance.md, fourth round)."""

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

SERVICES = ("competition", "ordering", "delivery", "rating")


def runs_on_the_loop(call: Callable[..., Any]) -> bool:
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    method = getattr(call, "__call__", None)  # noqa: B004 - a dependency may be an object
    return inspect.iscoroutinefunction(method) or inspect.isasyncgenfunction(method)


def routes(app: FastAPI) -> Iterator[Any]:
    """Every API route as served, with the dependencies its router was included with."""
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # an included router (FastAPI 0.16x)
            yield from route.effective_route_contexts()
        elif isinstance(route, APIRoute):
            yield route


def in_the_thread_pool(app: FastAPI) -> set[str]:
    found: set[str] = set()

    def walk(dependant: Any, path: str) -> None:
        for sub in dependant.dependencies:
            if sub.call is not None and not runs_on_the_loop(sub.call):
                found.add(f"{path}: {sub.call.__module__}.{sub.call.__qualname__}")
            walk(sub, path)

    for route in routes(app):
        if not runs_on_the_loop(route.endpoint):
            found.add(f"{route.path}: the endpoint {route.endpoint.__qualname__}")
        walk(route.dependant, route.path)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_endpoint_and_dependency_is_async(service):
    app = importlib.import_module(f"{service}.app").create_app()
    assert sum(1 for _ in routes(app)) > 5
    assert in_the_thread_pool(app) == set()


def test_it_finds_a_plain_function_dependency():
    def plain(limit: int = 1) -> int:
        return limit

    app = FastAPI()

    @app.get("/x")
    async def endpoint(value: int = Depends(plain)) -> int:
        return value

    assert in_the_thread_pool(app) == {"/x: " + f"{__name__}.{plain.__qualname__}"}
