"""The outbox relay: publishes unsent outbox rows, oldest first, with publisher confirms.

- wakes on PostgreSQL ``LISTEN/NOTIFY``, with a slow poll as the safety net;
- one replica at a time publishes (the leader: its own connection holds a session-level
  advisory lock), so several replicas can run side by side without reordering a procurement;
- publishes a batch as one chain per procurement, the chains pipelined on one confirming
  channel, each message of a chain confirmed before the chain's next is published;
- publishes persistent and ``mandatory``: a row is marked sent only once the broker
  confirmed it; a failed publish leaves it (and its procurement's later rows) unsent and the
  relay backs off.
"""

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import aio_pika
import asyncpg
from aio_pika.abc import AbstractExchange, AbstractRobustConnection
from sqlalchemy import Table

from epurchasing_shared import metrics
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.envelope import CONTENT_TYPE
from epurchasing_shared.db import Sessions, asyncpg_dsn
from epurchasing_shared.messaging.outbox import NOTIFY_CHANNEL
from epurchasing_shared.messaging.topology import Topology, declare_topology
from epurchasing_shared.notify import NotifyWakeup

log = logging.getLogger("epurchasing.outbox")
BROKER_PROBE_SECONDS = 0.25
# The advisory lock the leading relay holds on its own connection (advisory locks are per
# database, and every service has its own): one replica publishes at a time, which keeps each
# procurement's events in commit order across replicas. A relay of the previous version took
# the same key per transaction (pg_try_advisory_xact_lock), which conflicts with it: a rolling
# upgrade still has one publisher at a time.
RELAY_LOCK_KEY = 0x65_70_75_72_6F_78  # "epurox"
# How soon a replica that found another one publishing looks again (it also wakes on NOTIFY).
BUSY_RETRY_SECONDS = 1.0


async def _broker_answers(address: tuple[str, int]) -> bool:
    """Whether an AMQP broker answers the protocol header (with its Connection.Start)."""
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(*address), 1)
        writer.write(b"AMQP\x00\x00\x09\x01")
        return bool(await asyncio.wait_for(reader.read(1), 1))
    except (OSError, TimeoutError):
        return False
    finally:
        if writer is not None:
            writer.close()


class BrokerUnavailable(Exception):
    """The broker refused a connection or a publish (the database is fine)."""


def amqp_message(envelope: dict, traceparent: str | None) -> aio_pika.Message:
    headers: dict[str, Any] = {"traceparent": traceparent} if traceparent else {}
    return aio_pika.Message(
        body=json.dumps(envelope, separators=(",", ":")).encode(),
        content_type=CONTENT_TYPE,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=envelope["id"],
        correlation_id=envelope.get("procurementid"),
        type=envelope["type"],
        timestamp=datetime.fromisoformat(envelope["time"]),
        headers=headers,
    )


@cache
def _statements(outbox: str) -> dict[str, str]:
    """The relay's statements on its own asyncpg connection (prepared once there)."""
    return {
        "claim": f"SELECT seq, envelope::text AS envelope, traceparent FROM {outbox} "
        "WHERE published_at IS NULL ORDER BY seq LIMIT $1",
        "mark": f"UPDATE {outbox} SET published_at = $1, attempts = attempts + 1 "
        "WHERE seq = ANY($2::bigint[])",
        "failed": f"UPDATE {outbox} SET attempts = attempts + 1, last_error = $2 WHERE seq = $1",
    }


_LEADER_SETTINGS = {
    # The server notices a vanished leader (its TCP peer gone without a FIN) within ~30 s.
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "4",
    # Each statement planned for its own arguments, every time: the outbox grows from empty
    # and shrinks at each purge, so a generic plan the server settled on while it was small
    # (a sequential scan, e.g. for the mark's ``seq = ANY(...)``) would read the whole table
    # until an ANALYZE plans it again (docs/performance.md, tenth round). Planning these three
    # statements costs microseconds.
    "plan_cache_mode": "force_custom_plan",
}


class OutboxRelay:
    def __init__(
        self,
        *,
        session_factory: Sessions,
        outbox: Table,
        database_url: str,
        amqp_url: str,
        topology: Topology,
        clock: Clock,
        poll_seconds: float = 5.0,
        batch_size: int = 200,
        max_backoff_seconds: float = 30.0,
        service: str = "",
    ) -> None:
        self.service = service  # the label of its metrics
        self._sessions = session_factory
        self._outbox = outbox
        self._wakeup = NotifyWakeup(database_url, NOTIFY_CHANNEL, reconnect_seconds=poll_seconds)
        self._dsn = asyncpg_dsn(database_url)
        self._lead: asyncpg.Connection | None = None  # this relay's own connection
        self._leading = False  # it holds the relay lock
        self._sql = _statements(outbox.fullname)
        self._amqp_url = amqp_url
        self._topology = topology
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._max_backoff = max_backoff_seconds
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self.published = 0
        self.busy = False  # another replica held the relay lock at the last attempt
        # "ok" once a round of publishing succeeded, else why not (readiness, metrics).
        self.state = "starting"

    def wake(self) -> None:
        self._wakeup.wake()

    async def run(self) -> None:
        """Run until cancelled (LISTENing meanwhile: it also wakes once on connecting)."""
        try:
            async with self._wakeup:
                await self._publish_forever()
        finally:
            await self.close()

    async def _publish_forever(self) -> None:
        backoff, failures = 0.5, 0
        while True:
            try:
                # A short batch was all there was: rows committed since then NOTIFY again (the
                # wake-up is set meanwhile), so no second round trip to find nothing.
                while await self.publish_pending() >= self._batch_size:
                    pass
                if failures:
                    log.warning("outbox relay: publishing again after %d failures", failures)
                backoff, failures, self.state = 0.5, 0, "ok"
                await self._sleep(
                    min(self._poll_seconds, BUSY_RETRY_SECONDS) if self.busy else self._poll_seconds
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker or database down: retry with back-off
                failures += 1
                self.state = f"retrying after {failures} failures ({type(error).__name__})"
                if failures == 1:
                    log.warning("outbox relay: %s; retrying", type(error).__name__)
                await self._drop_connection()
                # Not publishing, so not leading: a replica that reaches the broker takes over
                # (and after a database error the next round needs a new connection anyway).
                await self._drop_leader()
                if isinstance(error, BrokerUnavailable):
                    # Try again as soon as the broker listens again, not when the back-off
                    # happens to end.
                    await self._until_broker_listens(backoff)
                else:
                    await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def _until_broker_listens(self, at_most: float) -> None:
        """Sleep up to ``at_most`` seconds, ending early once the broker accepts TCP again."""
        parts = urlsplit(self._amqp_url)
        address = (parts.hostname or "127.0.0.1", parts.port or 5672)
        deadline = asyncio.get_running_loop().time() + at_most
        await asyncio.sleep(min(BROKER_PROBE_SECONDS, at_most))
        while asyncio.get_running_loop().time() < deadline:
            if await _broker_answers(address):
                return
            await asyncio.sleep(BROKER_PROBE_SECONDS)

    async def publish_pending(self) -> int:
        """Publish one batch of unsent rows; returns how many were published (confirmed).

        One relay at a time per database publishes: the one whose own connection holds the
        relay's advisory lock (session-level: held while it leads, released when that
        connection ends, e.g. the process dies); a replica that does not get it publishes
        nothing this round and looks again later. The batch is read in ``seq`` (commit) order
        and split into one chain per procurement: the chains are published side by side on the
        confirming channel, each waiting for the broker's confirm of a message before it
        publishes the procurement's next one. So a procurement's events reach the broker in
        commit order (a later one is never published before an earlier one was confirmed),
        while events of different procurements share the round trip. Only confirmed rows are
        marked sent; a chain stops at its first failure and its remaining rows stay unsent.
        Leading on its own connection, a round is two statements (read, mark) without a
        transaction around them, where a transaction-level lock took five.
        """
        exchange = await self._ensure_exchange()
        connection = await self._leader()
        if connection is None:
            self.busy = True
            return 0
        self.busy = False
        failures: list[tuple[int, BaseException]] = []
        confirmed: list[int] = []
        names = self._sql
        rows = await connection.fetch(names["claim"], self._batch_size)
        if not rows:
            return 0
        chains: dict[Any, list[Any]] = {}
        for row in rows:
            envelope = json.loads(row["envelope"])
            chains.setdefault(envelope.get("procurementid"), []).append(
                (row["seq"], envelope, row["traceparent"])
            )
        results = await asyncio.gather(
            *(self._publish_chain(exchange, chain) for chain in chains.values())
        )
        for done, failure in results:
            confirmed += done
            if failure is not None:
                failures.append(failure)
        if confirmed:
            await connection.execute(names["mark"], self._clock.now(), confirmed)
        for seq, error in failures:
            await connection.execute(names["failed"], seq, repr(error)[:2000])
        self.published += len(confirmed)
        metrics.relay_published(self.service, len(confirmed))
        if failures:
            metrics.relay_failed(self.service)
            raise BrokerUnavailable(repr(failures[0][1])) from failures[0][1]
        return len(confirmed)

    async def _leader(self) -> asyncpg.Connection | None:
        """This relay's own connection if it holds the relay lock (taking it if free), else
        None. The server closes a connection whose client vanished within about 30 s (TCP
        keep-alive), so a lost leader's lock does not outlive it for long."""
        if self._lead is None or self._lead.is_closed():
            self._leading = False
            self._lead = await asyncpg.connect(
                self._dsn, timeout=10, server_settings=_LEADER_SETTINGS, statement_cache_size=8
            )
        if not self._leading:
            self._leading = bool(
                await self._lead.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY)
            )
        return self._lead if self._leading else None

    async def _drop_leader(self) -> None:
        lead, self._lead, self._leading = self._lead, None, False
        if lead is not None:
            with contextlib.suppress(Exception):  # the lock goes with the connection
                await lead.close(timeout=2)

    async def close(self) -> None:
        """Give up leading (another replica takes over) and the broker connection."""
        await self._drop_leader()
        await self._drop_connection()

    async def _publish_chain(
        self, exchange: AbstractExchange, rows: list[tuple[int, dict[str, Any], str | None]]
    ) -> tuple[list[int], tuple[int, BaseException] | None]:
        """One procurement's rows in order, each confirmed before the next is published; the
        confirmed seqs and the first failure (its seq and error), if any."""
        done: list[int] = []
        for seq, envelope, traceparent in rows:
            try:
                await exchange.publish(
                    amqp_message(envelope, traceparent),
                    routing_key=envelope["type"],
                    mandatory=True,
                    timeout=10,
                )
            except Exception as error:
                return done, (seq, error)
            done.append(seq)
        return done, None

    async def _ensure_exchange(self) -> AbstractExchange:
        try:
            return await self._connect()
        except Exception as error:
            raise BrokerUnavailable(str(error)) from error

    async def _connect(self) -> AbstractExchange:
        if self._exchange is None:
            connection = await aio_pika.connect(self._amqp_url, timeout=10)
            try:
                channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
                self._exchange = await declare_topology(channel, self._topology)
            except BaseException:
                await connection.close()
                raise
            self._connection = connection  # type: ignore[assignment]
        return self._exchange

    async def _drop_connection(self) -> None:
        connection, self._connection, self._exchange = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken; nothing left to release
                await connection.close()

    async def _sleep(self, seconds: float) -> None:
        await self._wakeup.wait(seconds)
