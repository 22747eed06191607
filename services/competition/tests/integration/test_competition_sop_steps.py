"""Acceptance: SOP steps 1–13 over HTTP, ending with the package on the exchange."""

import asyncio
from datetime import timedelta
from uuid import uuid4

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


async def wait_until_blacklisted(client, url, body, headers) -> None:
    """The consumer applied the event once the vendor's revision is refused as barred (the
    ranking that would show the flag is sealed to everyone until the deadline)."""
    async with asyncio.timeout(15):
        while True:
            answer = await client.put(f"{url}/mine", json=body, headers=headers)
            if answer.status_code == 403:
                return
            ok(answer)
            await asyncio.sleep(0.1)


async def test_steps_1_to_13_end_with_the_winning_package(
    service, tokens, exchange_spy, infrastructure, topology
):
    client, clock = service.client, service.clock
    buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendors = [await add_vendor(client, tokens, n) for n in ("Alpha", "Bina", "Cakra")]
    products = [await add_product(client, tokens, v["id"], category, 8_000_000) for v in vendors]
    heads = [tokens.vendor(v["id"], sub=f"user-{v['name']}") for v in vendors]

    request = await accepted_request(client, buyers, category)  # steps 1–4
    assert request["state"] == "accepted" and request["version"] > 1
    competition = await opened_competition(  # steps 6–9
        client, buyers, request["id"], category, clock.now() + timedelta(days=2)
    )
    cid = competition["id"]
    assert competition["state"] == "open"
    assert set(competition["eligible_vendor_ids"]) == {v["id"] for v in vendors}
    opened = await exchange_spy.wait_for(
        "competition.competition_opened.v1", lambda e: e.data["competition_id"] == cid
    )
    assert len(opened.data["eligible_vendor_ids"]) == 3

    # Step 10: three offers; Bina revises (the latest counts); Cakra is the cheapest.
    url = f"/competitions/{cid}/offers"
    ok(
        await client.post(
            url, json=offer(products[0]["id"], (7_000_000, 7_000_000)), headers=heads[0]
        ),
        201,
    )
    ok(
        await client.post(
            url, json=offer(products[1]["id"], (7_200_000, 7_000_000)), headers=heads[1]
        ),
        201,
    )
    revised = ok(
        await client.put(
            f"{url}/mine", json=offer(products[1]["id"], (6_900_000, 7_000_000)), headers=heads[1]
        )
    )
    assert revised["revision"] == 2 and revised["evaluated_price"] == 83_500_000
    ok(
        await client.post(
            url, json=offer(products[2]["id"], (6_000_000, 6_000_000)), headers=heads[2]
        ),
        201,
    )

    # Cakra is blacklisted by the rating service's event (SOP 11b).
    entry = blacklisting(vendors[2]["id"], starts_on=clock.now().date())
    await publish_event(
        infrastructure.amqp_url,
        topology.exchange,
        entry,
        service="rating",
        subject=f"vendor/{vendors[2]['id']}",
    )
    await wait_until_blacklisted(
        client, url, offer(products[2]["id"], (6_000_000, 6_000_000)), heads[2]
    )
    barred = await client.put(
        f"{url}/mine", json=offer(products[2]["id"], (6_000_000, 6_000_000)), headers=heads[2]
    )
    assert barred.status_code == 403 and "blacklist" in barred.json()["detail"]

    clock.advance(days=2)  # the offer deadline passes
    evaluated = ok(await client.post(f"/competitions/{cid}/evaluate", headers=buyers.official))
    assert evaluated["state"] == "evaluated:succeeded"
    board = ok(await client.get(f"/competitions/{cid}/leaderboard", headers=buyers.official))
    assert [r["vendor_name"] for r in board["ranking"]] == ["Bina", "Alpha"]
    assert [r["evaluated_price"] for r in board["ranking"]] == [83_500_000, 84_500_000]

    assert (await client.get(f"/public/competitions/{cid}")).status_code == 404
    ok(await client.post(f"/competitions/{cid}/publish", headers=buyers.official))  # step 12
    public = ok(await client.get(f"/public/competitions/{cid}"))
    assert public["winner"] == {"rank": 1, "vendor_name": "Bina", "evaluated_price": 83_500_000}

    generated = ok(
        await client.post(f"/competitions/{cid}/generate-package", headers=buyers.official)
    )
    assert generated["state"] == "package_generated"
    event = await exchange_spy.wait_for(
        "competition.package_generated.v1", lambda e: e.data["competition_id"] == cid
    )
    package = event.data
    assert str(event.procurementid) == request["id"]
    assert package["vendor"] == {
        "id": vendors[1]["id"],
        "name": "Bina",
        "email": vendors[1]["email"],
    }
    assert [
        (line["quantity"], line["unit_price"], line["line_total"]) for line in package["lines"]
    ] == [
        (10, 6_900_000, 69_000_000),
        (2, 7_000_000, 14_000_000),
    ]
    assert all(line["product_id"] == products[1]["id"] for line in package["lines"])
    assert (package["subtotal"], package["shipping_cost"], package["total"]) == (
        83_000_000,
        500_000,
        83_500_000,
    )
    assert package["pagu"] == 100_000_000 and package["work_unit"] == buyers.work_unit
    assert package["ppk"]["id"] == buyers.ppk_id and package["official"]["id"] == buyers.official_id
    assert package["delivery_address"] == "Jl. Kartini 1, Mojokerto"
    assert package["delivery_deadline"] == "2026-04-30"

    history = ok(await client.get(f"/procurements/{request['id']}/history", headers=buyers.ppk))
    actors = {}
    for entry_ in history:
        if entry_["actor_id"] is None:  # the system's side entries: the official's e-mail (4)
            continue
        actors.setdefault(entry_["sop_step"], set()).add(entry_["actor_id"])
    assert actors["1"] == {buyers.ppk_id} and actors["2"] == {buyers.ppk_id}
    assert actors["3"] == {buyers.ppk_id} and actors["4"] == {buyers.official_id}
    for step in ("6", "7", "8", "9", "11", "12", "13"):
        assert actors[step] == {buyers.official_id}, step
    assert actors["10"] == {"user-Alpha", "user-Bina", "user-Cakra"}
    final = ok(await client.get(f"/purchase-requests/{request['id']}", headers=buyers.ppk))
    assert final["state"] == "in_competition"
