"""Run the services as local processes with prefixed, readable logs; Ctrl-C stops them all.

Each service runs its production entry point (``python -m <service> migrate-and-serve``):
it creates and migrates its own database, then serves its API, consumers and outbox relay.
When nothing listens on the ordering service's SMTP host and port (127.0.0.1:1025 unless
``ORDERING_SMTP_HOST``/``ORDERING_SMTP_PORT`` say otherwise), a development mail catcher
(``scripts/mail_catcher.py``) is started there too, so the vendor's e-mail shows in the log.
The services run with ``DEVELOPMENT_MODE=true`` (unless set otherwise), which allows the
development JWT secret that a deployment refuses.
"""

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

COLOURS = {"competition": "36", "ordering": "35", "delivery": "33", "rating": "32", "mail": "34"}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def mail_catcher_needed(services: list[str]) -> tuple[str, int] | None:
    """The SMTP address to catch mail on, when ordering runs and nothing listens there."""
    host = os.environ.get("ORDERING_SMTP_HOST", "127.0.0.1")
    port = int(os.environ.get("ORDERING_SMTP_PORT", "1025"))
    if "ordering" not in services or host not in LOCAL_HOSTS:
        return None
    try:
        with socket.create_connection((host, port), timeout=1):
            return None  # a mail server (e.g. Mailpit) is already there
    except OSError:
        return host, port


def commands(services: list[str]) -> list[tuple[str, list[str]]]:
    found = [(name, [sys.executable, "-m", name, "migrate-and-serve"]) for name in services]
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
