"""Issue 6, closing the loop: delivery's completion reaches rating, ordering and competition.

The real producers all the way: competition generates the package, ordering issues the order
(order_issued / order_acknowledged reach delivery), delivery records BAST and payment and
completes the package; its events reach the three consumers.
"""

from uuid import uuid4

from .cross_steps import (
    Buyers,
    accepted_request,
    add_vendor,
    eventually,
    ok,
    package_in_ordering,
    pdf,
    run_competition,
    to_ppk,
)


async def issued_and_acknowledged(system, buyers, vendor, package_id: str) -> dict:
    """Steps 14–22 in ordering; returns the package with its purchase order."""
    base = await to_ppk(system, buyers, vendor, package_id)
    ok(await system.ordering.post(f"{base}/ppk-approve", headers=buyers.ppk))
    issued = await system.ordering.post(
        f"{base}/purchase-order",
        headers=buyers.ppk,
        files={"document": pdf("surat-pesanan.pdf")},
        data={"signatory": "Budi (PPK)", "terms": "Syarat umum"},
    )
    ok(issued)
    return ok(
        await system.ordering.post(f"{base}/purchase-order/acknowledge", headers=vendor.headers)
    )


async def fulfilment(system, headers, rid: str, state: str) -> dict:
    """Wait until delivery's fulfilment of the procurement is in ``state``."""
    found: dict = {}

    async def there() -> bool:
        response = await system.delivery.get(f"/fulfilments/{rid}", headers=headers)
        found.update(response.json() if response.status_code == 200 else {})
        return found.get("state") == state

    await eventually(there)
    return found


async def delivered_paid_completed(system, buyers, vendor, rid: str, total: int) -> None:
    """Steps 23, 25, 26 and 27 in delivery over HTTP."""
    base, client = f"/fulfilments/{rid}", system.delivery
    await fulfilment(system, vendor.headers, rid, "ready_for_preparation")
    ok(await client.post(f"{base}/start-preparation", headers=vendor.headers))
    for status in ("shipped", "delivered"):
        system.clock.advance(hours=2)
        data = {"status": status, "courier": "JNE", "tracking_number": "JNE123"}
        ok(await client.post(f"{base}/shipments", data=data, headers=vendor.headers), 201)
    for path, field in (("inspection", "bap"), ("handover", "bast")):
        files = {field: pdf(f"{field}.pdf")}
        ok(await client.post(f"{base}/{path}", files=files, headers=buyers.ppk))
    payment = {"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")}
    paid = await client.post(
        f"{base}/payments", data={"amount": str(total)}, files=payment, headers=buyers.ppk
    )
    assert ok(paid, 201)["state"] == "paid"
    assert ok(await client.post(f"{base}/complete", headers=buyers.ppk))["state"] == "completed"


async def test_a_completed_package_ends_the_procurement_in_every_service(system, exchange_spy):
    category, buyers = f"laptop-{uuid4().hex[:8]}", Buyers(system.tokens)
    vendor = await add_vendor(system.competition, system.tokens, "PT Sumber Makmur", category)
    rid = (await accepted_request(system.competition, buyers, category))["id"]
    package_id = await run_competition(system, buyers, vendor, rid, category)
    await package_in_ordering(system, buyers, package_id, "received")
    acknowledged = await issued_and_acknowledged(system, buyers, vendor, package_id)
    total = acknowledged["purchase_order"]["versions"][-1]["total"]
    assert total == 84_500_000

    await delivered_paid_completed(system, buyers, vendor, rid, total)
    completed = await exchange_spy.wait_for(
        "delivery.package_completed.v1", lambda e: e.data["package_id"] == package_id
    )
    assert str(completed.procurementid) == rid and completed.data["order_total"] == total

    closed = await package_in_ordering(system, buyers, package_id, "closed")
    assert closed["allowed_actions"] == [] and closed["purchase_order"]["handed_over_at"]

    async def fulfilled() -> bool:
        found = ok(await system.competition.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
        return found["state"] == "fulfilled"

    await eventually(fulfilled)

    pending: list[dict] = []

    async def rating_opened() -> bool:
        params = {"vendor_id": vendor.id, "state": "pending"}
        found = ok(await system.rating.get("/ratings", params=params, headers=buyers.ppk))
        pending[:] = [item for item in found["items"] if item["package_id"] == package_id]
        return bool(pending)

    await eventually(rating_opened)
    assert pending[0]["procurement_id"] == rid

    ordering_history = ok(
        await system.ordering.get(f"/procurements/{rid}/history", headers=buyers.ppk)
    )
    moves = [(h["action"], h["to_state"]) for h in ordering_history][-2:]
    assert moves == [("record_handover", "handed_over"), ("close", "closed")]
    competition_history = ok(
        await system.competition.get(f"/procurements/{rid}/history", headers=buyers.ppk)
    )
    last = competition_history[-1]
    assert (last["action"], last["to_state"], last["sop_step"]) == ("fulfil", "fulfilled", "27")
    assert last["actor_id"] == buyers.ppk_id
