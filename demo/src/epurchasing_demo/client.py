"""HTTP to the four services: base URLs, calls that fail loudly, and polling for consumers."""

import asyncio
import functools
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

SERVICES = ("competition", "ordering", "delivery", "rating")
DEFAULT_PORTS = {"competition": 8001, "ordering": 8002, "delivery": 8003, "rating": 8004}


class DriverError(Exception):
    """A step could not be done: the service said no, or never reached the expected state."""


# The client drops a connection idle this long, before the services' uvicorn does (its
# keep-alive timeout is 5 s): otherwise the server may close it just as the next request goes
# out on it, and that request fails with ServerDisconnectedError. aiohttp's connector checks a
# pooled connection's idle time when it takes it for a request, not only on its cleanup timer.
KEEPALIVE_EXPIRY_SECONDS = 2.0

# What a request raises when the service cannot be talked to: refused, reset, closed, timed out.
TRANSPORT_ERRORS: tuple[type[Exception], ...] = (aiohttp.ClientError, TimeoutError)

# The driver's HTTP client is aiohttp, not httpx: with its C HTTP parser and shorter request
# path a request costs the driver about 0.15 ms of CPU where httpx took 1.2 ms (16 in flight),
# and make bench's driver shares the two cores of the system it measures. Bodies are encoded
# as httpx encoded them (JSON compact, UTF-8; no Content-Type without a body).
_json_dumps = functools.partial(
    json.dumps, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


# aiohttp has no write timeout (httpx had one): a request whose body the server never reads
# would wait for ever, so the whole request is bounded too, at this many times ``seconds``.
WHOLE_REQUEST_TIMES = 4


def client_timeout(seconds: float) -> aiohttp.ClientTimeout:
    """httpx's ``timeout=seconds``: that long to get a connection (waiting for a free one in
    the pool included) and between two reads; and the whole request at most
    ``WHOLE_REQUEST_TIMES`` that long (the body written included)."""
    return aiohttp.ClientTimeout(
        total=WHOLE_REQUEST_TIMES * seconds, connect=seconds, sock_read=seconds
    )


def http_client(timeout: float = 30, limit: int = 100) -> aiohttp.ClientSession:
    """The driver's HTTP client: idle connections dropped before the server drops them, at
    most ``limit`` connections open (0: no limit). Made with a loop running:
    ``async with http_client(timeout=30) as http: api = Api(endpoints, http)``."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, keepalive_timeout=KEEPALIVE_EXPIRY_SECONDS),
        timeout=client_timeout(timeout),
        json_serialize=_json_dumps,
    )


class Unreachable(DriverError):
    """A service does not answer at its base URL."""


@dataclass(frozen=True, slots=True)
class Response:
    """A service's answer, its body read (the connection is back in the pool)."""

    status_code: int
    headers: Mapping[str, str]  # case-insensitive
    content: bytes

    def json(self) -> Any:
        """The body decoded; ``ValueError`` when it is not JSON."""
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")


# ``files=``: field name -> (filename, content, content type), what ``model.pdf`` gives.
Files = Mapping[str, tuple[str, bytes, str]]
# ``data=``: form fields; a sequence of values is the field repeated.
Form = Mapping[str, str | Sequence[str]]


def _form(data: Form | None, files: Files | None) -> aiohttp.FormData:
    """``data`` and ``files`` as httpx sent them: multipart/form-data (the fields, then the
    files with their filename and content type) when there is a file, else
    application/x-www-form-urlencoded. Built again for each attempt: a body is sent once.
    Names and filenames go as written (aiohttp would percent-encode them; httpx did not)."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in (data or {}).items():
        for item in [value] if isinstance(value, str) else value:
            form.add_field(name, item)
    for name, (filename, content, content_type) in (files or {}).items():
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form


_NO_CONTENT_TYPE = ("Content-Type",)


async def send(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    json: Any = None,
    data: Form | None = None,
    files: Files | None = None,
    timeout: float | None = None,
) -> Response:
    """One request through the driver's client, its body read; raises one of
    ``TRANSPORT_ERRORS`` when the service cannot be talked to. Redirects are not followed."""
    form = _form(data, files) if data is not None or files is not None else None
    options: dict[str, Any] = {} if timeout is None else {"timeout": client_timeout(timeout)}
    if json is None and form is None:
        # No body: no Content-Type either (aiohttp would say application/octet-stream).
        options["skip_auto_headers"] = _NO_CONTENT_TYPE
    async with http.request(
        method,
        url,
        headers=headers,
        params=params,
        json=json,
        data=form,
        allow_redirects=False,
        **options,
    ) as response:
        return Response(response.status, response.headers, await response.read())


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


def _problem(response: Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    if isinstance(body, dict) and "detail" in body:
        extra = {k: body[k] for k in ("current_state", "allowed_actions", "errors") if k in body}
        return f"{body.get('title', '')}: {body['detail']} {extra or ''}".strip()
    return str(body)[:500]


BUSY_ATTEMPTS = 5


def _refused_before_running(response: Response) -> bool:
    """429 (rate limit), or 503 from admission control (problem type ``busy``)."""
    if response.status_code == 429:
        return True
    if response.status_code != 503:
        return False
    try:
        return str(response.json().get("type", "")).endswith("/busy")
    except ValueError:
        return False


def _retry_after(response: Response) -> float:
    """The seconds ``Retry-After`` asks for (1 when absent or unreadable), at most 10."""
    value = response.headers.get("retry-after", "1")
    return min(float(value), 10.0) if value.isdigit() else 1.0


class Api:
    """Calls the services; any unexpected status raises :class:`DriverError` naming the call."""

    def __init__(self, endpoints: Endpoints, http: aiohttp.ClientSession) -> None:
        self.endpoints = endpoints
        self.http = http

    async def request(self, method: str, url: str, **kwargs: Any) -> Response:
        """One HTTP request (:func:`send`'s keywords): every request of :meth:`call`,
        :meth:`poll` and :meth:`check_reachable` goes through here (the benchmark times them)."""
        return await send(self.http, method, url, **kwargs)

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
        """One request; the decoded JSON body (None when empty). ``kwargs``: ``json=``,
        ``data=`` and ``files=`` (multipart), ``params=``."""
        url = f"{self.endpoints.of(service)}{path}"
        for attempt in range(1, BUSY_ATTEMPTS + 1):
            try:
                response = await self.request(method, url, headers=headers, **kwargs)
            except TRANSPORT_ERRORS as error:
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
        longest_interval: float = 1.0,
    ) -> Any:
        """GET ``path`` until ``until(body)`` holds: consumers and the mail sender run
        asynchronously, so the next actor waits for the previous hand-off to arrive. The pause
        between two looks starts at ``interval`` and grows by half each time, up to
        ``longest_interval``: a hand-off that is late (a busy system) is not asked after five
        times a second, which would only make the system busier."""
        url = f"{self.endpoints.of(service)}{path}"
        last: Any = None
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        response = await self.request("GET", url, headers=headers)
                    except TRANSPORT_ERRORS as error:
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
                    interval = min(interval * 1.5, max(longest_interval, interval))
        except TimeoutError:
            raise DriverError(
                f"timed out after {timeout}s waiting for {what}; last: {last}"
            ) from None

    async def check_reachable(self) -> None:
        """Every service answers ``/readyz`` with 200, or :class:`Unreachable` says which not."""
        for service in SERVICES:
            url = f"{self.endpoints.of(service)}/readyz"
            try:
                response = await self.request("GET", url, timeout=5)
            except TRANSPORT_ERRORS as error:
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
