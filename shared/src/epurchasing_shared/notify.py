"""Waking a background loop on PostgreSQL ``NOTIFY``: one ``LISTEN`` connection on the
service's database, reconnecting while the database is away, the loop's own poll the safety
net. The outbox relay (``epurchasing_outbox``) and the mail sender (``epurchasing_mail``) each
hold one; a NOTIFY is delivered on commit only, so neither wakes for a rolled-back change."""

import asyncio
import contextlib
import logging
from types import TracebackType
from typing import Self

import asyncpg

from epurchasing_shared.db import asyncpg_dsn

log = logging.getLogger("epurchasing.notify")


class NotifyWakeup:
    """``async with NotifyWakeup(database_url, channel) as wakeup: await wakeup.wait(5)``
    returns when ``channel`` was notified (or on (re)connecting, since a notification may have
    been missed meanwhile), or after 5 s."""

    def __init__(
        self,
        database_url: str,
        channel: str,
        reconnect_seconds: float = 5.0,
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._channel = channel
        self._reconnect = reconnect_seconds
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout=timeout)
        self._event.clear()

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self._listen())
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        """Hold a LISTEN connection, reconnecting while the database is away."""
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
                lost = asyncio.Event()
                try:
                    connection.add_termination_listener(lambda *_, lost=lost: lost.set())
                    await connection.add_listener(self._channel, lambda *_: self.wake())
                    self.wake()  # notified while we were not listening, perhaps
                    await lost.wait()
                finally:
                    await connection.close()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("%s listener: %s; reconnecting", self._channel, error)
                await asyncio.sleep(self._reconnect)
