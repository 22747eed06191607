"""HTTP to the four services: base URLs, calls that fail loudly, and polling for consumers."""

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

SERVICES = ("competition", "ordering", "delivery", "rating")
DEFAULT_PORTS = {"competition": 8001, "ordering": 8002, "delivery": 8003, "rating": 8004}


class DriverError(Exception):
    """A step could not be done: the service said no, or never reached the expected state."""


# The client drops a connection idle this long, before the services' uvicorn does (its
# keep-alive timeout is 5 s, httpx's default expiry the same): otherwise the server may close
# it just as the next request goes out on it, and that request fails with a ReadError.
KEEPALIVE_EXPIRY_SECONDS = 2.0


def http_client(timeout: float = 30) -> httpx.AsyncClient:
    """The driver's HTTP client: idle connections dropped before the server drops them."""
    return httpx.AsyncClient(
        timeout=timeout, limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS)
    )


class Unreachable(DriverError):
    """A service does not answer at its base URL."""


@dataclass(frozen=True)
class Endpoints:
    """Base URL of each service."""

    competition: str
    ordering: str
    delivery: str
    rating: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Endpoints":
        """``<SVC>_URL`` if set, else ``http://localhost:<SVC>_PORT`` (the ports ``make run``
        reads), else ``http://localhost:8001..8004``."""
        env = os.environ if environ is None else environ
        urls = {}
        for name in SERVICES:
            port = env.get(f"{name.upper()}_PORT", str(DEFAULT_PORTS[name]))
            urls[name] = env.get(f"{name.upper()}_URL", f"http://localhost:{port}")
        return cls(**urls)

    def of(self, service: str) -> str:
        return str(getattr(self, service)).rstrip("/")


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict) and "detail" in body:
        extra = {k: body[k] for k in ("current_state", "allowed_actions", "errors") if k in body}
        return f"{body.get('title', '')}: {body['detail']} {extra or ''}".strip()
    return str(body)[:500]


BUSY_ATTEMPTS = 5


def _refused_before_running(response: httpx.Response) -> bool:
    """429 (rate limit), or 503 from admission control (problem type ``busy``)."""
    if response.status_code == 429:
        return True
    if response.status_code != 503:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/busy")
    except ValueError:
        return False


def _retry_after(response: httpx.Response) -> float:
    """The seconds ``Retry-After`` asks for (1 when absent or unreadable), at most 10."""
    value = response.headers.get("retry-after", "1")
    return min(float(value), 10.0) if value.isdigit() else 1.0


class Api:
    """Calls the services; any unexpected status raises :class:`DriverError` naming the call."""

    def __init__(self, endpoints: Endpoints, http: httpx.AsyncClient) -> None:
        self.endpoints = endpoints
        self.http = http

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        expect: tuple[int, ...] = (200, 201),
        **kwargs: Any,
    ) -> Any:
        """One request; the decoded JSON body (None when empty)."""
        url = f"{self.endpoints.of(service)}{path}"
        for attempt in range(1, BUSY_ATTEMPTS + 1):
            try:
                response = await self.http.request(method, url, headers=dict(headers), **kwargs)
            except httpx.TransportError as error:
                raise Unreachable(f"{service} service not reachable at {url}: {error!r}") from error
            if not _refused_before_running(response) or attempt == BUSY_ATTEMPTS:
                break
            # The service was busy (admission control) or the caller over its rate limit:
            # both refuse before anything runs, so the same request is sent again once
            # Retry-After has passed. (A 503 for a database outage is not repeated: it may
            # follow a commit whose outcome is unknown, and these requests carry no
            # Idempotency-Key.)
            await asyncio.sleep(_retry_after(response))
        if response.status_code not in expect:
            raise DriverError(
                f"{method} {url} -> {response.status_code} ({service}): {_problem(response)}"
            )
        return response.json() if response.content else None

    async def poll(
        self,
        service: str,
        path: str,
        *,
        headers: Mapping[str, str],
        until: Callable[[Any], bool],
        what: str,
        timeout: float = 30.0,
        interval: float = 0.2,
    ) -> Any:
        """GET ``path`` until ``until(body)`` holds: consumers and the mail sender run
        asynchronously, so the next actor waits for the previous hand-off to arrive."""
        url = f"{self.endpoints.of(service)}{path}"
        last: Any = None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        response = await self.http.get(url, headers=dict(headers))
                    except httpx.TransportError as error:
                        raise Unreachable(
                            f"{service} service not reachable at {url}: {error!r}"
                        ) from error
                    if response.status_code == 200:
                        last = response.json()
                        if until(last):
                            return last
                    else:
                        last = f"{response.status_code} {_problem(response)}"
                    await asyncio.sleep(interval)
        except TimeoutError:
            raise DriverError(
                f"timed out after {timeout}s waiting for {what}; last: {last}"
            ) from None

    async def check_reachable(self) -> None:
        """Every service answers ``/readyz`` with 200, or :class:`Unreachable` says which not."""
        for service in SERVICES:
            url = f"{self.endpoints.of(service)}/readyz"
            try:
                response = await self.http.get(url, timeout=5)
            except httpx.TransportError as error:
                raise Unreachable(
                    f"the {service} service is not reachable at {self.endpoints.of(service)} "
                    f"({type(error).__name__}). Start the services with `make run` (or point "
                    f"the demo at them with --{service}-url / {service.upper()}_URL)."
                ) from error
            if response.status_code != 200:
                raise Unreachable(
                    f"the {service} service at {self.endpoints.of(service)} is not ready: "
                    f"/readyz answered {response.status_code} {response.text[:300]}"
                )
