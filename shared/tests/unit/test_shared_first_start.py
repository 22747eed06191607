"""A service started before its broker says in one line what it cannot reach (the URL without
its password) and keeps trying with back-off, instead of dying."""

import asyncio
import logging
from types import SimpleNamespace

from epurchasing_shared.service import _start_consuming


async def test_the_broker_wait_names_the_url_without_its_password(caplog):
    caplog.set_level(logging.WARNING, logger="epurchasing.service")
    runtime = SimpleNamespace(
        settings=SimpleNamespace(amqp_url="amqp://ordering:s3cr3t-pw@127.0.0.1:1/"),
        consuming=asyncio.Event(),
    )
    task = asyncio.create_task(_start_consuming(runtime, []))  # type: ignore[arg-type]

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "epurchasing.service"]

    async with asyncio.timeout(10):
        while len(lines()) < 2:  # tried twice: it waits and retries
            await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    found = lines()
    assert "cannot reach RabbitMQ at amqp://ordering:***@127.0.0.1:1/" in found[0]
    assert "retrying in 0.5s" in found[0] and "retrying in 1.0s" in found[1]
    assert all("s3cr3t" not in line for line in found)
    assert all("\n" not in line for line in found)
    assert not runtime.consuming.is_set()
