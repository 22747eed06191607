"""Every drill a test: the services as real processes, a fault injected from outside, and every
effect counted in the consumer's database (expected exactly once: 0 lost, 0 doubled).

Events on the wire may be duplicated (delivery is at least once); effects may not. Producers'
events are driven over HTTP (rating's blacklist, consumed by competition); consumers' backlogs
are events published on the exchange as their producers' relays would publish them.
"""

import asyncio
import json
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest

from epurchasing_shared.messaging.topology import QUEUE_SUFFIX

from .drills import (
    Drill,
    Tally,
    blacklist_body,
    blacklist_copies,
    package_completed,
    package_generated,
    packages_tally,
    ratings_tally,
    wait_for_tally,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.faults]

# The consumers; their queues are <consumer>.sac (single active consumer, see sac()), their
# DLQs <consumer>.dlq.
QUEUE_PACKAGES = "ordering.on_package_generated"
QUEUE_RATINGS = "rating.on_package_completed"
QUEUE_BLACKLIST = "competition.on_blacklist"


def sac(consumer: str) -> str:
    """The queue of a consumer (name without prefix)."""
    return consumer + QUEUE_SUFFIX


async def _async(value: object) -> object:
    return value


async def test_consumer_kill9_mid_backlog(drill: Drill):
    """kill -9 ordering while it works through a backlog of packages; after the restart every
    package is there exactly once (the unacknowledged message comes back; the inbox and the
    package id keep a committed one from applying twice)."""
    ordering = await drill.service("ordering")
    events = [package_generated() for _ in range(120)]
    await drill.publish(events)

    async def some_applied() -> bool:
        return len(await drill.sql("ordering", "SELECT 1 FROM packages")) >= 20

    await wait_until(some_applied, 60, lambda: drill.logs("ordering applied < 20 packages"))
    await ordering.kill()
    applied_at_kill = len(await drill.sql("ordering", "SELECT 1 FROM packages"))
    assert applied_at_kill < len(events), "the backlog was finished before the kill: no drill"
    await ordering.start()
    tally = await wait_for_tally(drill, lambda: packages_tally(drill, events), 90)
    assert await drill.depth(QUEUE_PACKAGES + ".dlq") == 0, ordering.tail()
    drill.report(tally, applied_at_kill=applied_at_kill)


async def post_blacklist(
    http: httpx.AsyncClient,
    rating_url: str,
    headers: dict,
    vendor_id: uuid.UUID,
    drill: Drill | None = None,
) -> uuid.UUID:
    """Record one blacklist entry (a committed write with one outgoing event); its entry id.
    (With ``drill``, a refusal shows the services' logs.)"""
    response = await http.post(
        f"{rating_url}/blacklist",
        json=blacklist_body(vendor_id),
        headers={**headers, "Idempotency-Key": str(vendor_id)},
    )
    if response.status_code != 201 and drill is not None:
        raise AssertionError(await drill.logs(f"blacklist answered {response.text}"))
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def unsent(drill: Drill, service: str) -> int:
    rows = await drill.sql(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL")
    return int(rows[0][0])


async def test_producer_kill9_after_committed_writes(drill: Drill):
    """kill -9 rating right after its last committed write: half its events were published as
    they were written, the other half (written while its broker link was cut) are still in the
    outbox. After the restart, competition holds every entry exactly once."""
    spy = await drill.start_spy()
    await drill.service("competition")
    link = await drill.broker_proxy()
    rating = await drill.service("rating", broker_via=link)
    admin = drill.tokens.admin()
    entries: list[uuid.UUID] = []
    async with httpx.AsyncClient(timeout=15) as http:
        entries += await asyncio.gather(
            *(post_blacklist(http, rating.url, admin, uuid.uuid4()) for _ in range(20))
        )
        await wait_until(
            lambda: _async(len(spy.of_type("rating.vendor_blacklisted.v1")) >= 20),
            30,
            lambda: drill.logs("rating's first 20 events never reached the exchange"),
        )
        link.cut()
        entries += await asyncio.gather(
            *(post_blacklist(http, rating.url, admin, uuid.uuid4()) for _ in range(20))
        )
    await rating.kill()
    pending = await unsent(drill, "rating")
    assert 20 <= pending < 40, f"{pending} events left unsent at the kill: no drill"
    link.restore()
    await rating.start()
    tally = await wait_for_tally(drill, lambda: blacklist_copies(drill, entries), 60)
    assert await unsent(drill, "rating") == 0
    on_wire = Counter(e.data["entry_id"] for e in spy.of_type("rating.vendor_blacklisted.v1"))
    assert {uuid.UUID(k) for k in on_wire} == set(entries), "an event never reached the exchange"
    assert not await drill.dead_lettered(QUEUE_BLACKLIST), await drill.logs("dead letters")
    drill.report(
        tally, unsent_at_kill=pending, wire_duplicates=sum(on_wire.values()) - len(entries)
    )


async def test_broker_cut_and_restored(drill: Drill):
    """The broker goes away (a TCP proxy cut) for rating and competition while rating takes
    writes and rating's consumer queue fills; once it is back, the relay publishes promptly and
    every effect lands exactly once on both sides."""
    spy = await drill.start_spy()
    link = await drill.broker_proxy()
    await drill.service("competition", broker_via=link)
    rating = await drill.service("rating", broker_via=link)
    admin = drill.tokens.admin()
    completed = [package_completed() for _ in range(40)]
    entries: list[uuid.UUID] = []
    async with httpx.AsyncClient(timeout=15) as http:
        await drill.publish(completed[:20])
        entries += [await post_blacklist(http, rating.url, admin, uuid.uuid4()) for _ in range(10)]
        link.cut()
        await drill.publish(completed[20:])  # straight to the broker: they wait in the queue
        entries += [await post_blacklist(http, rating.url, admin, uuid.uuid4()) for _ in range(10)]
        await asyncio.sleep(3)  # the outage itself: both services notice and back off
        assert await unsent(drill, "rating") >= 10, "rating published through a cut link?"
        assert rating.alive, rating.tail()
        link.restore()
        restored = time.monotonic()

        async def all_published() -> bool:
            seen = {e.data["entry_id"] for e in spy.of_type("rating.vendor_blacklisted.v1")}
            return {str(e) for e in entries} <= seen

        await wait_until(all_published, 20, lambda: drill.logs("events still unpublished"))
        republished = time.monotonic() - restored
    tally = await wait_for_tally(
        drill,
        lambda: _sum(blacklist_copies(drill, entries), ratings_tally(drill, completed)),
        60,
    )
    dead = await drill.dead_lettered(QUEUE_BLACKLIST, QUEUE_RATINGS)
    assert not dead, await drill.logs(f"dead letters {dead}")
    drill.report(tally, published_after_restore=f"{republished:.1f}s")
    assert republished < 10, f"the relay took {republished:.1f}s after the broker came back"


async def _sum(*tallies):
    results = await asyncio.gather(*tallies)
    total = results[0]
    for more in results[1:]:
        total = total + more
    return total


async def test_own_database_cut_while_events_arrive(drill: Drill):
    """Ordering's own database goes away (a TCP proxy cut) while package events keep arriving;
    the consumer holds them and, once the database is back, applies all in order: none lost,
    none doubled, none dead-lettered."""
    database = await drill.postgres_proxy()
    ordering = await drill.service("ordering", database_via=database)
    events = [package_generated() for _ in range(60)]
    await drill.publish(events[:20])
    await wait_for_tally(drill, lambda: packages_tally(drill, events[:20]), 30)
    database.cut()
    await drill.publish(events[20:])
    await asyncio.sleep(4)  # the outage: the consumer holds an event and retries
    during = len(await drill.sql("ordering", "SELECT 1 FROM packages"))
    assert during == 20, f"{during} packages: applied through a cut database?"
    assert ordering.alive, ordering.tail()
    database.restore()
    tally = await wait_for_tally(drill, lambda: packages_tally(drill, events), 60)
    dead = await drill.depth(QUEUE_PACKAGES + ".dlq")
    drill.report(tally, dead_lettered=dead)
    assert dead == 0, await drill.logs(f"{dead} events dead-lettered during the outage")


async def test_postgres_unavailable_answers_503_and_recovers(drill: Drill):
    """PostgreSQL unavailable to rating: reads and writes are 503 problem+json with Retry-After
    on the same kept-alive connection, /readyz is 503; once it is back the same connection
    serves again. The writes answered 201 are there exactly once, the refused ones not at all."""
    database = await drill.postgres_proxy()
    rating = await drill.service("rating", database_via=database)
    admin = drill.tokens.admin()
    created: list[uuid.UUID] = []
    refused: list[uuid.UUID] = []
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(timeout=15, limits=limits, base_url=rating.url) as http:

        def connection(response: httpx.Response) -> object:
            return response.extensions["network_stream"].get_extra_info("client_addr")

        created.append(await post_blacklist(http, rating.url, admin, uuid.uuid4()))
        first = await http.get(f"/blacklist/{created[0]}")
        assert first.status_code == 200, first.text
        used = connection(first)
        database.cut()
        for _ in range(3):
            vendor = uuid.uuid4()
            answers = [
                await http.get(f"/blacklist/{created[0]}"),
                await http.post("/blacklist", json=blacklist_body(vendor), headers=admin),
            ]
            refused.append(vendor)
            for response in answers:
                assert response.status_code == 503, response.text
                assert response.headers["content-type"].startswith("application/problem+json")
                assert int(response.headers["retry-after"]) > 0
                assert response.json()["status"] == 503
                assert response.headers.get("connection", "").lower() != "close"
                assert connection(response) == used, "the 503 closed the connection"
        assert (await http.get("/readyz")).status_code == 503
        database.restore()

        async def serves() -> bool:
            response = await http.get(f"/blacklist/{created[0]}")
            assert response.status_code in (200, 503), response.text
            return response.status_code == 200

        recovering = time.monotonic()
        await wait_until(serves, 30, lambda: drill.logs("rating did not recover"), every=0.5)
        recovered = time.monotonic() - recovering
        created.append(await post_blacklist(http, rating.url, admin, uuid.uuid4()))
        last = await http.get(f"/blacklist/{created[-1]}")
        assert last.status_code == 200 and connection(last) == used, "keep-alive not intact"
    rows = await drill.sql("rating", "SELECT id, vendor_id FROM blacklist_entries")
    tally = Tally.of(created, Counter(row["id"] for row in rows))
    written = {row["vendor_id"] for row in rows} & set(refused)
    assert not written, f"a write answered 503 was committed: {written}"
    drill.report(tally, refused=len(refused), recovered=f"{recovered:.1f}s")


async def test_two_replicas(drill: Drill):
    """Two replicas of rating on one database and one queue: one relay leads and publishes
    from the shared outbox (the other waits for its lock), both subscribe to one queue (the
    first one active, the second a hot standby); then the active one is killed mid-backlog and
    the standby takes over and finishes. Every blacklist entry reaches competition and every
    completed package opens a rating exactly once."""
    await drill.service("competition")
    first = await drill.service("rating", replica="-a")
    second = await drill.service("rating", replica="-b")
    # Both are ready, i.e. subscribed; the broker counts the single active consumer only.
    assert await drill.consumers_of(sac(QUEUE_RATINGS)) == 1
    admin = drill.tokens.admin()
    async with httpx.AsyncClient(timeout=15) as http:
        entries = await asyncio.gather(
            *(
                post_blacklist(http, (first, second)[n % 2].url, admin, uuid.uuid4(), drill)
                for n in range(40)
            )
        )
    # The backlog goes out once the entries are posted, so the kill below (at 30 ratings)
    # comes while it is being applied: published before the posts, it could all be applied
    # while they were still under way (one run: 300 of 300 rated at the kill; after the posts, 49
    # to 183 of 300 were, so a thousand).
    completed = [package_completed() for _ in range(1000)]  # still applying at the kill
    await drill.publish(completed)

    async def some_rated() -> bool:
        return len(await drill.sql("rating", "SELECT 1 FROM ratings")) >= 30

    await wait_until(some_rated, 60, lambda: drill.logs("fewer than 30 ratings opened"))
    await first.kill()
    rated_at_kill = len(await drill.sql("rating", "SELECT 1 FROM ratings"))
    assert rated_at_kill < len(completed), "the backlog was finished before the kill: no drill"
    tally = await wait_for_tally(
        drill,
        lambda: _sum(blacklist_copies(drill, entries), ratings_tally(drill, completed)),
        90,
    )
    dead = await drill.dead_lettered(QUEUE_BLACKLIST, QUEUE_RATINGS)
    assert not dead, await drill.logs(f"dead letters {dead}")
    drill.report(tally, rated_at_kill=rated_at_kill)


async def test_sigterm_under_load(drill: Drill):
    """SIGTERM to rating while clients keep writing (retrying with their Idempotency-Key until
    answered) and its consumer works through a backlog: it stops cleanly and promptly, and after
    the restart every write and every event has its effect exactly once."""
    await drill.service("competition")
    rating = await drill.service("rating")
    admin = drill.tokens.admin()
    # Long enough that the consumer is still at it when SIGTERM comes (150 were all applied
    # before the writers' twelfth answer once a rating cost fewer round trips, and 600 once
    # its statements went to the driver directly).
    completed = [package_completed() for _ in range(3000)]
    await drill.publish(completed)
    answered: dict[uuid.UUID, uuid.UUID] = {}  # vendor id -> entry id
    failures: Counter[str] = Counter()

    async def write(http: httpx.AsyncClient, vendor: uuid.UUID) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = await http.post(
                    f"{rating.url}/blacklist",
                    json=blacklist_body(vendor),
                    headers={**admin, "Idempotency-Key": str(vendor)},
                )
            except httpx.TransportError as error:
                failures[type(error).__name__] += 1
            else:
                if response.status_code in (200, 201):
                    answered[vendor] = uuid.UUID(response.json()["id"])
                    return
                assert response.status_code == 503, response.text
                failures["503"] += 1
            await asyncio.sleep(0.2)
        raise AssertionError(f"vendor {vendor}'s entry never answered")

    async def writers(http: httpx.AsyncClient) -> None:
        vendors = [uuid.uuid4() for _ in range(60)]
        for batch in range(0, len(vendors), 4):
            await asyncio.gather(*(write(http, v) for v in vendors[batch : batch + 4]))

    async with httpx.AsyncClient(timeout=15) as http:
        load = asyncio.create_task(writers(http))

        async def under_load() -> bool:
            rated = len(await drill.sql("rating", "SELECT 1 FROM ratings"))
            return len(answered) >= 12 and rated >= 20

        await wait_until(under_load, 60, lambda: drill.logs("no load on rating"))
        stopping = time.monotonic()
        code = await rating.terminate(timeout=30)
        stopped = time.monotonic() - stopping
        rated_at_stop = len(await drill.sql("rating", "SELECT 1 FROM ratings"))
        # uvicorn shuts down gracefully, then re-raises the signal: -15 after "shutdown
        # complete" is a clean stop (what an orchestrator expects), as 0 would be.
        assert code in (0, -signal.SIGTERM), await drill.logs(f"rating exited {code}")
        last_run = rating.log.read_text(errors="replace").rsplit("===== start", 1)[-1]
        assert "Application shutdown complete" in last_run, await drill.logs("no clean stop")
        assert rated_at_stop < len(completed), "the backlog was finished before SIGTERM"
        assert not load.done(), "the writes were finished before SIGTERM: no drill"
        await rating.start()
        await asyncio.wait_for(load, 90)
    per_vendor = await drill.count_by("rating", "SELECT vendor_id FROM blacklist_entries")
    tally = await wait_for_tally(
        drill,
        lambda: _sum(blacklist_copies(drill, answered.values()), ratings_tally(drill, completed)),
        90,
    )
    tally = tally + Tally.of(answered, per_vendor)  # one entry per write, retries included
    dead = await drill.dead_lettered(QUEUE_BLACKLIST, QUEUE_RATINGS)
    assert not dead, await drill.logs(f"dead letters {dead}")
    drill.report(
        tally,
        stopped_in=f"{stopped:.1f}s",
        retried=sum(failures.values()),
        rated_at_stop=rated_at_stop,
    )


def dead_letters(drill: Drill, queue: str, action: str = "list") -> list[str]:
    """``epurchasing dlq <action> --queue <queue>``, the operator's tool; its output lines."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "epurchasing"), "dlq", action, "--queue", queue],
        env=drill.cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


async def test_poison_and_duplicate_events(drill: Drill):
    """Poison (not JSON, not an envelope, an invalid payload, an unknown type, a package without
    lines) goes to the DLQ at once and the consumer goes on; every event delivered twice, and
    some republished under a new id, has its effect once."""
    await drill.service("ordering")
    events = [package_generated() for _ in range(40)]
    again_new_id = [e.model_copy(update={"id": uuid.uuid4()}) for e in events[::4]]
    invalid = package_generated().model_copy(update={"data": {"package_id": str(uuid.uuid4())}})
    no_lines = package_generated()
    no_lines = no_lines.model_copy(update={"data": {**no_lines.data, "lines": []}})
    unknown = package_generated().model_copy(update={"type": "competition.unheard_of.v1"})
    poison = {
        "not-json": b"\x00\xff not json",
        "not-an-envelope": json.dumps({"hello": "world"}).encode(),
        str(invalid.id): invalid.model_dump_json().encode(),
        str(unknown.id): unknown.model_dump_json().encode(),
    }
    items = list(poison.items())
    await drill.publish_raw(sac(QUEUE_PACKAGES), items[0][1], items[0][0])
    await drill.publish(events[:20])
    await drill.publish_raw(sac(QUEUE_PACKAGES), items[1][1], items[1][0])
    await drill.publish([no_lines, *events[20:]])
    await drill.publish_raw(sac(QUEUE_PACKAGES), items[2][1], items[2][0])
    await drill.publish(events)  # every one again, same id
    await drill.publish_raw(sac(QUEUE_PACKAGES), items[3][1], items[3][0])
    await drill.publish(again_new_id)
    poison[str(no_lines.id)] = b""
    tally = await wait_for_tally(drill, lambda: packages_tally(drill, events), 60)

    async def all_dead() -> bool:
        return await drill.depth(QUEUE_PACKAGES + ".dlq") >= len(poison)

    await wait_until(all_dead, 30, lambda: drill.logs("poison not dead-lettered"))
    await wait_until(
        lambda: _async_depth_zero(drill, sac(QUEUE_PACKAGES)), 30, "ordering's queue not drained"
    )
    listed = [line.split("\t")[0] for line in dead_letters(drill, QUEUE_PACKAGES)]
    assert sorted(listed) == sorted(poison), f"dead letters {listed}, poison {sorted(poison)}"
    inbox = await drill.count_by("ordering", "SELECT event_id FROM inbox")
    expected_inbox = [e.id for e in [*events, *again_new_id]]
    tally = tally + Tally.of(expected_inbox, inbox)
    drill.report(tally, poison=len(poison), duplicates=len(events) + len(again_new_id))


async def _async_depth_zero(drill: Drill, queue: str) -> bool:
    return await drill.depth(queue) == 0


async def test_dlq_replay_with_several_queues_bound(drill: Drill):
    """delivery.package_completed.v1 has three queues (rating, ordering, competition). Rating
    fails them all (its table refuses the insert) until they are dead-lettered; once mended,
    ``epurchasing dlq replay`` sends them back to rating's queue only: every rating opened once,
    the two other queues hold exactly what they held, nothing new on the exchange."""
    spy = await drill.start_spy()
    rating = await drill.service("rating")
    await drill.sql(
        "rating", "ALTER TABLE ratings ADD CONSTRAINT faults_refuse CHECK (false) NOT VALID"
    )
    completed = [package_completed() for _ in range(12)]
    await drill.publish(completed)
    others = (sac("ordering.on_delivery_events"), sac("competition.on_package_completed"))

    async def dead_lettered() -> bool:
        return await drill.depth(QUEUE_RATINGS + ".dlq") == len(completed)

    await wait_until(dead_lettered, 60, lambda: drill.logs("rating's events not dead-lettered"))
    assert await drill.sql("rating", "SELECT 1 FROM ratings") == []
    assert [await drill.depth(q) for q in others] == [len(completed)] * 2
    await drill.sql("rating", "ALTER TABLE ratings DROP CONSTRAINT faults_refuse")
    await wait_until(lambda: _async(len(spy.messages) == len(completed)), 10, "spy incomplete")
    replayed = dead_letters(drill, QUEUE_RATINGS, "replay")
    assert len(replayed) == len(completed), replayed
    tally = await wait_for_tally(drill, lambda: ratings_tally(drill, completed), 60)
    assert dead_letters(drill, QUEUE_RATINGS, "replay") == []  # nothing left to replay
    assert await drill.depth(QUEUE_RATINGS + ".dlq") == 0
    assert [await drill.depth(q) for q in others] == [len(completed)] * 2, (
        "the replay reached other queues bound to the same type"
    )
    assert len(spy.messages) == len(completed), "the replay went through the events exchange"
    assert rating.alive
    drill.report(tally, replayed=len(replayed), other_queues=len(others))
