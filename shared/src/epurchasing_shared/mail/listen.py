"""Waking the mail sender: a ``LISTEN`` connection on the service's database (as the outbox
relay's), reconnecting while the database is away; the sender's poll is the safety net."""

import asyncio
import contextlib
import logging
from types import TracebackType
from typing import Self

import asyncpg

from epurchasing_shared.db import asyncpg_dsn
from epurchasing_shared.mail.sql import MAIL_NOTIFY_CHANNEL

log = logging.getLogger("epurchasing.mail")


class NotifyWakeup:
    """``async with NotifyWakeup(database_url) as wakeup: await wakeup.wait(5)`` returns when
    an e-mail was queued (``NOTIFY epurchasing_mail``, on commit) or after 5 s."""

    def __init__(
        self,
        database_url: str,
        channel: str = MAIL_NOTIFY_CHANNEL,
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
                    self.wake()  # e-mails may have been queued while we were not listening
                    await lost.wait()
                finally:
                    await connection.close()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("mail listener: %s; reconnecting", error)
                await asyncio.sleep(self._reconnect)
