"""Run the services as local processes with prefixed, readable logs; Ctrl-C stops them all.

Each service runs its production entry point (``python -m <service> migrate-and-serve``):
it creates and migrates its own database, then serves its API, consumers and outbox relay.
"""

import asyncio
import os
import signal
import sys

COLOURS = {"competition": "36", "ordering": "35", "delivery": "33", "rating": "32"}


async def pipe(name: str, stream: asyncio.StreamReader) -> None:
    colour = COLOURS.get(name, "0") if sys.stdout.isatty() else None
    label = f"\033[{colour}m{name:<11}\033[0m" if colour else f"{name:<11}"
    while line := await stream.readline():
        print(f"{label} | {line.decode(errors='replace').rstrip()}", flush=True)


async def main(services: list[str]) -> int:
    processes = []
    for name in services:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            name,
            "migrate-and-serve",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
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
