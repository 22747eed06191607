"""Run the services as local processes with prefixed, readable logs; Ctrl-C stops them all.

Each service runs its production entry point (``python -m <service> migrate-and-serve``):
it creates and migrates its own database, then serves its API, consumers and outbox relay.
``console`` (which ``make run`` names) runs ``scripts/console_server.py --watch``: the web
console and the four APIs on one origin, http://localhost:8080/, rebuilt when its sources change.
When nothing listens on the ordering service's SMTP host and port (127.0.0.1:1025 unless
``ORDERING_SMTP_HOST``/``ORDERING_SMTP_PORT`` say otherwise; competition and delivery send to
the same default), a development mail catcher (``scripts/mail_catcher.py``) is started there
too, so the services' e-mails show in the log.
The services run with ``DEVELOPMENT_MODE=true`` (unless set otherwise), which allows the
development JWT secret that a deployment refuses.

First it checks RabbitMQ and PostgreSQL (``AMQP_URL``, ``<S>_DATABASE_URL``, localhost by
default). One that is installed here but stopped is started as ``.ci/run`` does
(``rabbitmq-server -detached``; ``pg_ctlcluster --skip-systemctl-redirect <version> main
start``); one that is not installed is named with a command that gets it, and nothing starts.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

COLOURS = {
    "competition": "36",
    "ordering": "35",
    "delivery": "33",
    "rating": "32",
    "mail": "34",
    "console": "94",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def mail_catcher_needed(services: list[str]) -> tuple[str, int] | None:
    """The SMTP address to catch mail on, when a service that sends mail runs and nothing
    listens there."""
    host = os.environ.get("ORDERING_SMTP_HOST", "127.0.0.1")
    port = int(os.environ.get("ORDERING_SMTP_PORT", "1025"))
    if not {"competition", "ordering", "delivery"} & set(services) or host not in LOCAL_HOSTS:
        return None
    try:
        with socket.create_connection((host, port), timeout=1):
            return None  # a mail server (e.g. Mailpit) is already there
    except OSError:
        return host, port


@dataclass(frozen=True)
class Dependency:
    name: str
    host: str
    port: int
    # How to start it on this host when it is installed but stopped (None: not installed).
    start: list[str] | None
    # How to get it when it is not installed: the compose file's images, on the default ports.
    get: str


POSTGRES_CLUSTERS = Path("/etc/postgresql")


def postgres_start_command() -> list[str] | None:
    if shutil.which("pg_ctlcluster") is None or not POSTGRES_CLUSTERS.is_dir():
        return None
    versions = sorted(p.name for p in POSTGRES_CLUSTERS.iterdir() if (p / "main").is_dir())
    if not versions:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "start"]


def rabbitmq_start_command() -> list[str] | None:
    return ["rabbitmq-server", "-detached"] if shutil.which("rabbitmq-server") else None


def _address(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    return parts.hostname or "127.0.0.1", parts.port or default_port


def dependencies(services: list[str], environ: dict[str, str]) -> list[Dependency]:
    """RabbitMQ and the PostgreSQL servers the services will use (each address once)."""
    amqp = environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    found = [
        Dependency(
            "RabbitMQ",
            *_address(amqp, 5672),
            rabbitmq_start_command(),
            "docker run -d --name epurchasing-rabbitmq -p 5672:5672 -p 15672:15672 "
            "rabbitmq:4.1-management   (the image of docker-compose.yml's `rabbitmq`)",
        )
    ]
    for service in services:
        if service in ("mail", "console"):
            continue
        url = environ.get(
            f"{service.upper()}_DATABASE_URL",
            f"postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_{service}",
        )
        host, port = _address(url, 5432)
        if all((d.host, d.port) != (host, port) for d in found):
            found.append(
                Dependency(
                    "PostgreSQL",
                    host,
                    port,
                    postgres_start_command(),
                    "docker run -d --name epurchasing-postgres -p 5432:5432 "
                    "-e POSTGRES_HOST_AUTH_METHOD=trust postgres:16   (the image of "
                    "docker-compose.yml's `postgres`; trust: development only)",
                )
            )
    return found


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_dependencies(
    found: list[Dependency],
    *,
    is_listening: Callable[[str, int], bool] = listening,
    run: Callable[[list[str]], int] = lambda command: subprocess.call(command),
    wait_seconds: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Start what is installed here but stopped; the problems left (empty: all listen)."""
    problems = []
    for dependency in found:
        where = f"{dependency.host}:{dependency.port}"
        if is_listening(dependency.host, dependency.port):
            continue
        if dependency.host not in LOCAL_HOSTS:  # not ours to start: the services wait for it
            print(f"run_local: {dependency.name} does not answer at {where} yet", flush=True)
            continue
        if dependency.start is None:
            problems.append(
                f"{dependency.name} is not running at {where} and not installed here; "
                f"get it with:\n    {dependency.get}"
            )
            continue
        print(f"run_local: starting {dependency.name}: {' '.join(dependency.start)}", flush=True)
        if run(dependency.start) != 0:
            problems.append(f"{dependency.name}: `{' '.join(dependency.start)}` failed")
            continue
        deadline = time.monotonic() + wait_seconds
        while not is_listening(dependency.host, dependency.port):
            if time.monotonic() > deadline:
                problems.append(f"{dependency.name} started but does not listen at {where}")
                break
            sleep(1)
    return problems


def commands(services: list[str]) -> list[tuple[str, list[str]]]:
    found = [
        (name, [sys.executable, "-m", name, "migrate-and-serve"])
        for name in services
        if name != "console"
    ]
    if "console" in services:
        # The web console and the four APIs on one origin (http://localhost:8080/ unless
        # CONSOLE_PORT says otherwise), rebuilt whenever its sources change.
        server = str(Path(__file__).with_name("console_server.py"))
        found.append(("console", [sys.executable, server, "--watch"]))
    smtp = mail_catcher_needed(services)
    if smtp is not None:
        catcher = str(Path(__file__).with_name("mail_catcher.py"))
        found.insert(
            0, ("mail", [sys.executable, catcher, "--host", smtp[0], "--port", str(smtp[1])])
        )
    return found


def local_environment() -> dict[str, str]:
    """The services' environment: this one, in development mode (the development JWT secret
    is allowed) unless DEVELOPMENT_MODE says otherwise."""
    return {"DEVELOPMENT_MODE": "true", **os.environ, "PYTHONUNBUFFERED": "1"}


async def pipe(name: str, stream: asyncio.StreamReader) -> None:
    colour = COLOURS.get(name, "0") if sys.stdout.isatty() else None
    label = f"\033[{colour}m{name:<11}\033[0m" if colour else f"{name:<11}"
    while line := await stream.readline():
        print(f"{label} | {line.decode(errors='replace').rstrip()}", flush=True)


async def main(services: list[str]) -> int:
    problems = ensure_dependencies(dependencies(services, dict(os.environ)))
    if problems:
        for problem in problems:
            print(f"run_local: {problem}", file=sys.stderr, flush=True)
        return 2
    processes = []
    for name, command in commands(services):
        process = await asyncio.create_subprocess_exec(
            *command,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=local_environment(),
        )
        processes.append((name, process))
    pipes = [asyncio.create_task(pipe(name, p.stdout)) for name, p in processes]  # type: ignore[arg-type]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    exited = [asyncio.create_task(p.wait()) for _, p in processes]
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait([waiter, *exited], return_when=asyncio.FIRST_COMPLETED)
    print("stopping services ...", flush=True)
    for _, process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)  # uvicorn's graceful shutdown
    try:
        await asyncio.wait_for(asyncio.gather(*(p.wait() for _, p in processes)), timeout=15)
    except TimeoutError:
        for _, process in processes:
            if process.returncode is None:
                process.kill()
    await asyncio.gather(*pipes, return_exceptions=True)
    return 0 if stop.is_set() else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:] or list(COLOURS))))
