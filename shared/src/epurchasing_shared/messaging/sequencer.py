"""Per-key sequencing of work in one process: one lane per key, run in submission order.

The consumers put every delivered message in the lane of its procurement (docs/consumers.md):
a lane runs its jobs strictly one after the other, in the order they were submitted, so a job
that does not finish (a message held while its database is away) holds every later job of its
key; lanes of different keys run side by side, at most ``limit`` jobs at once (a semaphore
shared by all the process's consumers, so they cannot take every database connection).
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger("epurchasing.consumer")

Job = Callable[[], Awaitable[None]]


class Sequencer:
    def __init__(self, limit: asyncio.Semaphore | None = None) -> None:
        self._limit = limit
        self._lanes: dict[Hashable, deque[Job]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    def submit(self, key: Hashable, job: Job) -> None:
        """Queue ``job`` behind every job of ``key`` submitted before it (synchronous: the order
        of the calls is the order of the jobs)."""
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(job)
            return
        lane = self._lanes[key] = deque([job])
        worker = asyncio.get_running_loop().create_task(self._run(key, lane))
        self._workers.add(worker)
        worker.add_done_callback(self._workers.discard)

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished (the one running in each lane included)."""
        return sum(len(lane) for lane in self._lanes.values())

    @property
    def keys(self) -> int:
        """Lanes with work: keys with a job running or waiting."""
        return len(self._lanes)

    async def _run(self, key: Hashable, lane: deque[Job]) -> None:
        try:
            while lane:
                try:
                    if self._limit is None:
                        await lane[0]()
                    else:
                        async with self._limit:
                            await lane[0]()
                except asyncio.CancelledError:
                    raise
                except Exception:  # a job handles its own failures; never stall the lane
                    log.exception("a sequenced job of %r failed", key)
                lane.popleft()
        finally:
            # No await between the last ``while lane`` and here: a job submitted meanwhile
            # would have found this lane and been run by this worker.
            if self._lanes.get(key) is lane:
                del self._lanes[key]

    async def idle(self, timeout: float | None = None) -> bool:
        """Wait until every lane is empty; False if ``timeout`` passed first."""
        try:
            async with asyncio.timeout(timeout):
                while self._workers:
                    await asyncio.wait(set(self._workers))
        except TimeoutError:
            return False
        return True

    async def cancel(self) -> None:
        """Stop every lane now (the jobs running are cancelled, the waiting ones dropped)."""
        workers = set(self._workers)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._lanes.clear()
