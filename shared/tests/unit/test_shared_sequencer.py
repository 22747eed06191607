"""The consumers' lanes: one key strictly in order, different keys side by side, a held job
holds its key's successors (and only them); and how long a message is held in an outage."""

import asyncio
import random
from datetime import UTC, date, datetime
from uuid import uuid4

from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.messaging.consumer import (
    ConsumerSpec,
    Verdict,
    consume_one,
    sequencing_key,
)
from epurchasing_shared.messaging.sequencer import Sequencer


class Log:
    """What ran, when it started and ended (in the order it happened)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int]] = []
        self.running = 0
        self.most_at_once = 0

    def job(self, key: str, n: int, hold: asyncio.Event | None = None, pause: float = 0.0):
        async def run() -> None:
            self.events.append(("start", key, n))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            if hold is not None:
                await hold.wait()
            await asyncio.sleep(pause)
            self.running -= 1
            self.events.append(("end", key, n))

        return run

    def order(self, key: str, what: str = "end") -> list[int]:
        return [n for kind, k, n in self.events if k == key and kind == what]


async def test_the_jobs_of_one_key_run_one_after_the_other_in_submission_order():
    log, lanes = Log(), Sequencer()
    for n in range(50):
        lanes.submit("p1", log.job("p1", n, pause=random.uniform(0, 0.003)))
    assert await lanes.idle(5)
    assert log.order("p1") == list(range(50))
    assert log.most_at_once == 1
    # Strictly one after the other: every start follows the previous end.
    assert [kind for kind, _, _ in log.events] == ["start", "end"] * 50


async def test_different_keys_overlap():
    log, lanes = Log(), Sequencer()
    for n in range(10):
        for key in ("p1", "p2", "p3", "p4"):
            lanes.submit(key, log.job(key, n, pause=0.01))
    assert lanes.keys == 4 and lanes.pending == 40
    assert await lanes.idle(5)
    assert log.most_at_once == 4
    for key in ("p1", "p2", "p3", "p4"):
        assert log.order(key) == list(range(10))
    assert lanes.keys == 0 and lanes.pending == 0


async def test_a_held_job_holds_its_successors_of_the_same_key_only():
    log, lanes = Log(), Sequencer()
    released = asyncio.Event()
    lanes.submit("p1", log.job("p1", 0, hold=released))  # e.g. waiting out a database outage
    lanes.submit("p1", log.job("p1", 1))
    lanes.submit("p2", log.job("p2", 0))
    lanes.submit("p1", log.job("p1", 2))
    lanes.submit("p2", log.job("p2", 1))
    await asyncio.sleep(0.05)
    assert log.order("p2") == [0, 1]  # the other procurement went on
    assert log.order("p1", "start") == [0]  # p1's later jobs did not start
    assert lanes.keys == 1 and lanes.pending == 3
    released.set()
    assert await lanes.idle(5)
    assert log.order("p1") == [0, 1, 2]


async def test_a_job_submitted_while_its_lane_runs_joins_that_lane():
    log, lanes = Log(), Sequencer()
    lanes.submit("p1", log.job("p1", 0, pause=0.02))
    await asyncio.sleep(0.01)  # job 0 running
    lanes.submit("p1", log.job("p1", 1))
    assert lanes.keys == 1 and lanes.pending == 2
    assert await lanes.idle(5)
    assert log.order("p1") == [0, 1]
    assert log.most_at_once == 1
    lanes.submit("p1", log.job("p1", 2))  # the lane ended; a new one starts
    assert await lanes.idle(5)
    assert log.order("p1") == [0, 1, 2]


async def test_a_failing_job_does_not_stall_its_lane():
    log, lanes = Log(), Sequencer()

    async def fails() -> None:
        raise RuntimeError("handled by the consumer, normally")

    lanes.submit("p1", fails)
    lanes.submit("p1", log.job("p1", 1))
    assert await lanes.idle(5)
    assert log.order("p1") == [1]


async def test_the_limit_bounds_the_jobs_running_at_once_across_keys():
    log, lanes = Log(), Sequencer(asyncio.Semaphore(3))
    for n in range(4):
        for key in ("a", "b", "c", "d", "e", "f"):
            lanes.submit(key, log.job(key, n, pause=0.005))
    assert await lanes.idle(5)
    assert log.most_at_once == 3
    for key in ("a", "b", "c", "d", "e", "f"):
        assert log.order(key) == [0, 1, 2, 3]


async def test_idle_times_out_and_cancel_stops_the_lanes():
    log, lanes = Log(), Sequencer()
    never = asyncio.Event()
    lanes.submit("p1", log.job("p1", 0, hold=never))
    lanes.submit("p1", log.job("p1", 1))
    assert not await lanes.idle(0.05)
    await lanes.cancel()
    assert lanes.keys == 0 and lanes.pending == 0
    assert log.order("p1", "start") == [0] and log.order("p1") == []


def test_the_key_is_the_procurement_else_the_subject_else_one_common_lane():
    assert sequencing_key(b'{"procurementid": "p-1", "subject": "p-1"}') == "procurementid:p-1"
    assert sequencing_key(b'{"subject": "vendor/v-1"}') == "subject:vendor/v-1"
    assert sequencing_key(b'{"type": "x"}') == ""
    assert sequencing_key(b"\x00\xff not json") == ""
    assert sequencing_key(b"[1, 2]") == ""


class Unreachable:
    """A unit of work whose database does not answer."""

    def __init__(self, caller: object) -> None:
        pass

    async def __aenter__(self) -> None:
        raise ConnectionRefusedError("the database is away")

    async def __aexit__(self, *exc: object) -> None:
        return None


def _unreachable_consumer() -> ConsumerSpec:
    async def handler(uow: object, event: object, payload: object) -> None:
        raise AssertionError("never reached")

    return ConsumerSpec("spine_test", "on_blacklist", {BLACKLISTED: handler}, Unreachable)  # type: ignore[arg-type]


BLACKLISTED = "rating.vendor_blacklisted.v1"


def _body() -> bytes:
    payload = VendorBlacklisted(
        entry_id=uuid4(),
        vendor_id=uuid4(),
        reason="fraud",
        decree_reference="SK-1/2026",
        starts_on=date(2026, 1, 1),
        recorded_at=datetime.now(UTC),
    )
    event = make_event(
        service="rating", payload=payload, procurement_id=uuid4(), time=datetime.now(UTC)
    )
    return event.model_dump_json().encode()


async def test_an_outage_is_waited_out_for_the_budget_then_the_message_is_given_back():
    started = asyncio.get_running_loop().time()
    verdict = await consume_one(_unreachable_consumer(), _body(), 0, 5, outage_seconds=0.6)
    waited = asyncio.get_running_loop().time() - started
    assert verdict is Verdict.GIVE_BACK  # not counted towards the delivery limit
    assert 0.6 <= waited < 1.5


async def test_a_message_no_longer_held_stops_waiting_at_once():
    started = asyncio.get_running_loop().time()
    verdict = await consume_one(
        _unreachable_consumer(), _body(), 0, 5, outage_seconds=60, still_held=lambda: False
    )
    assert verdict is Verdict.GIVE_BACK
    assert asyncio.get_running_loop().time() - started < 0.5
