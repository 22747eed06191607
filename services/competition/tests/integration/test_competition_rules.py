"""Acceptance: failures, refused offers, sealed offers, duplicate events, package cancelled."""

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

from sqlalchemy import func, select

from competition.adapters.tables import blacklist_entries
from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.db import make_engine, make_session_factory

from .competition_steps import (
    Buyers,
    accepted_request,
    add_product,
    add_vendor,
    blacklisting,
    offer,
    ok,
    opened_competition,
    publish_event,
)


async def setup(service, tokens, vendor_count=1):
    client = service.client
    buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendors = [await add_vendor(client, tokens, f"V{i}") for i in range(vendor_count)]
    products = [await add_product(client, tokens, v["id"], category, 8_000_000) for v in vendors]
    heads = [tokens.vendor(v["id"]) for v in vendors]
    request = await accepted_request(client, buyers, category)
    deadline = service.clock.now() + timedelta(days=2)
    competition = await opened_competition(client, buyers, request["id"], category, deadline)
    return buyers, vendors, products, heads, request, competition


async def blacklist_rows(service, vendor_id) -> int:
    engine = make_engine(service.settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            query = select(func.count()).where(blacklist_entries.c.vendor_id == UUID(vendor_id))
            return await session.scalar(query) or 0
    finally:
        await engine.dispose()


async def eventually(check, timeout=15.0):
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


async def test_no_offers_fails_and_the_request_can_compete_again(service, tokens, exchange_spy):
    buyers, _, _, _, request, competition = await setup(service, tokens)
    cid = competition["id"]
    early = await service.client.post(f"/competitions/{cid}/evaluate", headers=buyers.official)
    assert early.status_code == 409 and early.json()["current_state"] == "open"
    service.clock.advance(days=3)
    evaluated = ok(
        await service.client.post(f"/competitions/{cid}/evaluate", headers=buyers.official)
    )
    assert (evaluated["state"], evaluated["failure_reason"]) == ("evaluated:failed", "no_offers")
    failed = await exchange_spy.wait_for(
        "competition.competition_failed.v1", lambda e: e.data["competition_id"] == cid
    )
    assert failed.data["reason"] == "no_offers"
    again = ok(
        await service.client.get(f"/purchase-requests/{request['id']}", headers=buyers.official)
    )
    assert again["state"] == "accepted" and "start_competition" in again["allowed_actions"]


async def test_single_offer_of_a_vendor_blacklisted_after_submitting_fails(
    service, tokens, infrastructure, topology
):
    buyers, vendors, products, heads, _, competition = await setup(service, tokens)
    cid = competition["id"]
    url = f"/competitions/{cid}/offers"
    ok(
        await service.client.post(
            url, json=offer(products[0]["id"], (7_000_000, 7_000_000)), headers=heads[0]
        ),
        201,
    )
    entry = blacklisting(vendors[0]["id"], starts_on=service.clock.now().date())
    await publish_event(infrastructure.amqp_url, topology.exchange, entry, service="rating")
    await eventually(lambda: _count_is(service, vendors[0]["id"], 1))
    service.clock.advance(days=3)
    evaluated = ok(
        await service.client.post(f"/competitions/{cid}/evaluate", headers=buyers.official)
    )
    assert evaluated["failure_reason"] == "only_blacklisted_offers"


async def _count_is(service, vendor_id, expected) -> bool:
    return await blacklist_rows(service, vendor_id) == expected


async def test_offers_above_price_over_pagu_or_late_are_refused(service, tokens):
    _, _, products, heads, _, competition = await setup(service, tokens)
    url = f"/competitions/{competition['id']}/offers"
    above = await service.client.post(
        url, json=offer(products[0]["id"], (8_000_001, 7_000_000)), headers=heads[0]
    )
    assert above.status_code == 422
    assert above.json()["errors"][0]["field"] == "lines.0.unit_price"
    over = await service.client.post(  # 10×7.5M + 2×7.5M + 1M > the competition's 90M pagu
        url, json=offer(products[0]["id"], (7_500_000, 7_500_000), 1_000_000), headers=heads[0]
    )
    assert over.status_code == 422 and "pagu" in over.json()["detail"]
    service.clock.advance(days=2)
    late = await service.client.post(
        url, json=offer(products[0]["id"], (7_000_000, 7_000_000)), headers=heads[0]
    )
    assert late.status_code == 409 and late.json()["current_state"] == "open"


async def test_a_vendor_never_sees_another_vendors_offer_before_the_deadline(
    service, tokens, exchange_spy
):
    buyers, _, products, heads, request, competition = await setup(service, tokens, 2)
    cid, client = competition["id"], service.client
    for i, price in ((0, 7_000_000), (1, 6_500_000)):
        ok(
            await client.post(
                f"/competitions/{cid}/offers",
                json=offer(products[i]["id"], (price, price)),
                headers=heads[i],
            ),
            201,
        )
    board = ok(await client.get(f"/competitions/{cid}/leaderboard", headers=heads[1]))
    assert board["sealed"] and board["ranking"] == []
    assert board["my_offer"]["lines"][0]["unit_price"] == 6_500_000
    seen = ok(await client.get(f"/competitions/{cid}", headers=heads[1]))
    assert "7000000" not in str(seen).replace("_", "") and "eligible_vendor_ids" not in seen
    listed = ok(await client.get("/competitions", headers=heads[1]))
    assert "7000000" not in str(listed)
    assert (
        await client.get(f"/purchase-requests/{request['id']}", headers=heads[1])
    ).status_code == 403
    history = await client.get(f"/procurements/{request['id']}/history", headers=heads[1])
    assert history.status_code == 404
    await exchange_spy.wait_for(
        "competition.offer_submitted.v1",
        lambda e: (
            e.data["competition_id"] == cid and e.data["vendor_id"] == products[1]["vendor_id"]
        ),
    )
    for event in exchange_spy.of_type("competition.offer_submitted.v1"):
        assert not any("price" in key or "lines" in key for key in event.data)
    official = ok(await client.get(f"/competitions/{cid}/leaderboard", headers=buyers.official))
    assert official["sealed"] and official["ranking"] == [] and official["offer_count"] == 2
    assert "7000000" not in str(official) and "78500000" not in str(official)


async def test_the_same_blacklist_event_twice_has_one_effect(
    service, tokens, infrastructure, topology
):
    vendor = await add_vendor(service.client, tokens, "Twice")
    entry = blacklisting(vendor["id"], starts_on=service.clock.now().date())
    event = make_event(
        service="rating",
        payload=entry,
        procurement_id=None,
        time=service.clock.now(),
        subject=f"vendor/{vendor['id']}",
    )
    for _ in range(2):
        await publish_event(infrastructure.amqp_url, topology.exchange, entry, event=event)
    # The same entry again under a new event id (a producer's retry) is one row too.
    await publish_event(infrastructure.amqp_url, topology.exchange, entry, service="rating")
    sentinel = await add_vendor(service.client, tokens, "Sentinel")
    later = blacklisting(sentinel["id"], starts_on=service.clock.now().date())
    await publish_event(infrastructure.amqp_url, topology.exchange, later, service="rating")
    await eventually(lambda: _count_is(service, sentinel["id"], 1))  # the queue is in order
    assert await blacklist_rows(service, vendor["id"]) == 1


async def test_a_cancelled_package_reopens_the_request_for_a_second_competition(
    service, tokens, infrastructure, topology, exchange_spy
):
    buyers, _vendors, products, heads, request, competition = await setup(service, tokens)
    cid, client, rid = competition["id"], service.client, request["id"]
    ok(
        await client.post(
            f"/competitions/{cid}/offers",
            json=offer(products[0]["id"], (7_000_000, 7_000_000)),
            headers=heads[0],
        ),
        201,
    )
    service.clock.advance(days=3)
    for step in ("evaluate", "publish", "generate-package"):
        done = ok(await client.post(f"/competitions/{cid}/{step}", headers=buyers.official))
    cancelled = PackageCancelled(
        package_id=done["package"]["package_id"],
        purchase_request_id=rid,
        competition_id=cid,
        reason="PPK rejected the package",
        cancelled_at=service.clock.now(),
    )
    await publish_event(
        infrastructure.amqp_url,
        topology.exchange,
        cancelled,
        service="ordering",
        procurement_id=UUID(rid),
        actor=None,
    )

    async def reopened() -> bool:
        found = ok(await client.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
        return found["state"] == "accepted"

    await eventually(reopened)
    history = ok(await client.get(f"/procurements/{rid}/history", headers=buyers.ppk))
    assert any("PPK rejected the package" in (h["reason"] or "") for h in history)
    second = await opened_competition(
        client, buyers, rid, competition["category"], service.clock.now() + timedelta(days=2)
    )
    ok(
        await client.post(
            f"/competitions/{second['id']}/offers",
            json=offer(products[0]["id"], (6_000_000, 6_000_000)),
            headers=heads[0],
        ),
        201,
    )
    service.clock.advance(days=3)
    evaluated = ok(
        await client.post(f"/competitions/{second['id']}/evaluate", headers=buyers.official)
    )
    assert evaluated["state"] == "evaluated:succeeded"
