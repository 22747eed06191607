"""Issue 3 across services: competition -> ordering -> competition -> ordering, via the broker.

The PPK rejects the package in ordering (20b); competition reopens the purchase request; a
second competition generates a new package that ordering receives.
"""

from uuid import uuid4

from .cross_steps import (
    Buyers,
    accepted_request,
    add_vendor,
    eventually,
    ok,
    package_in_ordering,
    run_competition,
    to_ppk,
)


async def test_a_ppk_rejection_reopens_the_request_for_a_second_package(system, exchange_spy):
    category, buyers = f"laptop-{uuid4().hex[:8]}", Buyers(system.tokens)
    vendor = await add_vendor(system.competition, system.tokens, "PT Sumber Makmur", category)
    request = await accepted_request(system.competition, buyers, category)
    rid = request["id"]

    first = await run_competition(system, buyers, vendor, rid, category)
    received = await package_in_ordering(system, buyers, first, "received")
    assert (received["procurement_id"], received["vendor"]["id"]) == (rid, vendor.id)
    base = await to_ppk(system, buyers, vendor, first)
    reason = {"reason": "Harga belum sesuai HPS"}
    rejected = ok(await system.ordering.post(f"{base}/ppk-reject", json=reason, headers=buyers.ppk))
    assert rejected["state"] == "cancelled"
    cancelled = await exchange_spy.wait_for(
        "ordering.package_cancelled.v1", lambda e: e.data["package_id"] == first
    )
    assert str(cancelled.procurementid) == rid and cancelled.data["reason"] == reason["reason"]

    async def reopened() -> bool:
        found = ok(await system.competition.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
        return found["state"] == "accepted"

    await eventually(reopened)
    history = ok(await system.competition.get(f"/procurements/{rid}/history", headers=buyers.ppk))
    (reopen,) = [h for h in history if h["action"] == "reopen_after_cancellation"]
    assert reopen["sop_step"] == "20" and "Harga belum sesuai HPS" in reopen["reason"]

    second = await run_competition(system, buyers, vendor, rid, category)
    assert second != first
    fresh = await package_in_ordering(system, buyers, second, "received")
    assert fresh["procurement_id"] == rid
    listed = ok(await system.ordering.get("/packages", headers=buyers.official))
    states = {item["id"]: item["state"] for item in listed["items"]}
    assert states == {first: "cancelled", second: "received"}

    # The vendor was e-mailed once, for the first package (processed); the second waits.
    async def mailed() -> bool:
        return len(system.mail.to(vendor.email)) == 1

    await eventually(mailed)
