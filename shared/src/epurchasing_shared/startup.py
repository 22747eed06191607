"""What a service process checks and waits for before it serves (``python -m <service> ...``).

- :func:`secret_refusal`: a deployment must not run with the development JWT secret, nor with
  one shorter than 32 bytes, unless ``DEVELOPMENT_MODE`` says this is development;
- :func:`wait_for_database` / :func:`wait_for_broker`: a dependency that is not there yet is
  reported in one line (its URL without the password) and tried again with back-off, instead
  of a ``ConnectionRefusedError`` traceback.
"""

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable, Iterator

import aiormq
import asyncpg
from sqlalchemy.engine import make_url

from epurchasing_shared.settings import ServiceSettings

log = logging.getLogger("epurchasing.startup")

DEVELOPMENT_JWT_SECRET = str(ServiceSettings.model_fields["jwt_secret"].default)
MIN_SECRET_BYTES = 32


def secret_refusal(
    *,
    jwt_secret: str,
    jwt_algorithms: list[str],
    development_mode: bool,
) -> str | None:
    """Why a process must not start with this JWT configuration, or None when it may.

    Only the HMAC algorithms (HS256 ...) use ``JWT_SECRET``; with RS256 and a JWKS URL the
    secret is not used and not checked."""
    if development_mode or not any(a.upper().startswith("HS") for a in jwt_algorithms):
        return None
    if jwt_secret == DEVELOPMENT_JWT_SECRET:
        problem = "JWT_SECRET is the development secret"
    elif len(jwt_secret.encode()) < MIN_SECRET_BYTES:
        problem = f"JWT_SECRET is shorter than {MIN_SECRET_BYTES} bytes"
    else:
        return None
    return (
        f"{problem}: set a random one of {MIN_SECRET_BYTES}+ bytes (e.g. "
        '`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`), '
        "or DEVELOPMENT_MODE=true on a development machine"
    )


def settings_refusal(settings: ServiceSettings) -> str | None:
    return secret_refusal(
        jwt_secret=settings.jwt_secret,
        jwt_algorithms=settings.jwt_algorithms,
        development_mode=settings.development_mode,
    )


def redacted(url: str) -> str:
    """The URL without its password, fit for a log line."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not an SQLAlchemy URL (amqp://...): hide by hand
        scheme, sep, rest = url.partition("://")
        credentials, at, host = rest.rpartition("@")
        if not sep or not at or ":" not in credentials:
            return url
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def backoff(first: float = 0.5, factor: float = 2.0, limit: float = 30.0) -> Iterator[float]:
    """0.5, 1, 2, 4 ... seconds, never more than ``limit``."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, limit)


def _unreachable(error: BaseException) -> bool:
    """Errors that mean 'not there yet': refused, unknown host, timeout, starting up; not a
    refused login, which waiting does not mend."""
    if isinstance(error, aiormq.exceptions.ProbableAuthenticationError):
        return False
    return isinstance(
        error,
        OSError | TimeoutError | asyncpg.CannotConnectNowError | asyncpg.TooManyConnectionsError,
    )


async def wait_until(
    what: str,
    url: str,
    attempt: Callable[[], Awaitable[None]],
    *,
    delays: Iterator[float] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Call ``attempt`` until it does not fail with an 'unreachable' error, logging one line
    per failed attempt; other errors (a wrong password ...) propagate. Returns the attempts."""
    delays = delays or backoff()
    attempts = 0
    while True:
        attempts += 1
        try:
            await attempt()
            return attempts
        except Exception as error:
            if not _unreachable(error):
                raise
            delay = next(delays)
            log.warning(
                "cannot reach %s at %s (%s: %s); retrying in %.1fs",
                what,
                redacted(url),
                type(error).__name__,
                error,
                delay,
            )
            # The collector is off while a service starts (its __main__): waiting for hours
            # must not keep what every failed attempt left (about 8 KB) until it is on.
            if not gc.isenabled():
                gc.collect()
            await sleep(delay)


async def wait_for_database(database_url: str) -> int:
    """Wait until the PostgreSQL server of ``database_url`` accepts a connection (to the
    database itself, or to ``postgres`` when migrations are still to create it)."""
    url = make_url(database_url)

    async def attempt() -> None:
        try:
            connection = await asyncpg.connect(
                url.set(drivername="postgresql").render_as_string(hide_password=False),
                timeout=10,
            )
        except asyncpg.InvalidCatalogNameError:
            return  # the server answers; the database is created by the migrations
        await connection.close()

    return await wait_until("PostgreSQL", database_url, attempt)


async def wait_for_broker(amqp_url: str) -> int:
    """Wait until RabbitMQ at ``amqp_url`` accepts a connection."""
    import aio_pika

    async def attempt() -> None:
        connection = await aio_pika.connect(amqp_url, timeout=10)
        await connection.close()

    return await wait_until("RabbitMQ", amqp_url, attempt)
