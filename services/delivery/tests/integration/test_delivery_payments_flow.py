"""Acceptance 2: the money adds up, and nothing happens out of turn."""

from datetime import timedelta

from delivery_flow import Order, in_state, pay, publish, receive, ship, wait_until


async def delivered_order(delivery, tokens, infrastructure, topology, total):
    """An order issued and acknowledged by events, prepared and shipped over HTTP."""
    order = Order(total=total)
    vendor = tokens.vendor(order.vendor_id)
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    client = delivery.client
    await wait_until(client, vendor, order.procurement_id, in_state("ready_for_preparation"))
    response = await client.post(
        f"/fulfilments/{order.procurement_id}/start-preparation", headers=vendor
    )
    assert response.status_code == 200
    assert (await ship(client, vendor, order.procurement_id, "shipped")).status_code == 201
    return order


async def test_payments_follow_bast_and_never_exceed_the_current_total(
    delivery, tokens, infrastructure, topology
):
    client, ppk = delivery.client, tokens.ppk()
    order = await delivered_order(delivery, tokens, infrastructure, topology, total=900_000)
    pid = order.procurement_id

    bast_too_early = await receive(client, ppk, pid, "bast")
    assert bast_too_early.status_code == 409
    assert bast_too_early.json()["current_state"] == "shipping"
    assert (await receive(client, ppk, pid, "bap")).status_code == 409

    delivered = await ship(client, tokens.vendor(order.vendor_id), pid, "delivered")
    assert delivered.status_code == 201
    early = await pay(client, ppk, pid, 300_000)
    assert early.status_code == 409
    assert early.json()["current_state"] == "delivered"
    assert early.json()["allowed_actions"] == ["inspect_goods"]
    assert (await receive(client, ppk, pid, "bap")).status_code == 200
    assert (await pay(client, ppk, pid, 300_000)).status_code == 409
    assert (await receive(client, ppk, pid, "bast")).status_code == 200

    for amount in (0, -1, "1e5", "300000.0", "true", " 300000", 10**15 + 1):
        refused = await pay(client, ppk, pid, amount)
        assert refused.status_code == 422, amount
        assert refused.json()["errors"][0]["field"].endswith("amount")
    first = await pay(client, ppk, pid, 300_000)
    assert first.status_code == 201
    assert first.headers["Location"] == f"/fulfilments/{pid}/payments/1"
    second = await pay(client, ppk, pid, 300_000)
    assert second.status_code == 201
    assert second.headers["Location"] == f"/fulfilments/{pid}/payments/2"
    assert second.headers["ETag"] == f'"{second.json()["version"]}"'
    one = await client.get(second.headers["Location"], headers=ppk)
    assert one.status_code == 200
    assert (one.json()["payment_no"], one.json()["amount"]) == (2, 300_000)
    assert one.json()["receipt"]["filename"] == "kwitansi.pdf"
    assert (await client.get(f"/fulfilments/{pid}/payments/3", headers=ppk)).status_code == 404
    assert (second.json()["state"], second.json()["remaining"]) == ("handed_over", 300_000)

    over = await pay(client, ppk, pid, 390_000)
    assert over.status_code == 422
    assert over.headers["content-type"].startswith("application/problem+json")
    detail = over.json()["detail"]
    for figure in ("amount 390000", "paid so far 600000", "order total 900000", "remaining 300000"):
        assert figure in detail

    # Payments only come after the BAST, so the addendum raising the total arrives after it,
    # but it was committed in ordering before the BAST (recorded at the fixed clock's now).
    committed = delivery.clock.now() - timedelta(hours=1)
    amended = order.amended(version=2, total=990_000, at=committed)
    await publish(infrastructure.amqp_url, topology, amended)
    body = await wait_until(client, ppk, pid, lambda b: b["order"]["version"] == 2)
    assert (body["order"]["total"], body["remaining"], body["state"]) == (
        990_000,
        390_000,
        "handed_over",
    )

    last = await pay(client, ppk, pid, 390_000)
    assert last.status_code == 201, last.text
    assert (last.json()["state"], last.json()["paid_total"]) == ("paid", 990_000)
    assert [p["amount"] for p in last.json()["payments"]] == [300_000, 300_000, 390_000]
    assert (await pay(client, ppk, pid, 1)).status_code == 409


async def test_a_retried_payment_with_the_same_idempotency_key_pays_once(
    delivery, tokens, infrastructure, topology
):
    client = delivery.client
    ppk = {**tokens.ppk(), "Idempotency-Key": "pay-1"}
    order = await delivered_order(delivery, tokens, infrastructure, topology, total=500_000)
    pid = order.procurement_id
    await ship(client, tokens.vendor(order.vendor_id), pid, "delivered")
    await receive(client, ppk | {"Idempotency-Key": "bap"}, pid, "bap")
    await receive(client, ppk | {"Idempotency-Key": "bast"}, pid, "bast")
    first = await pay(client, ppk, pid, 200_000)
    again = await pay(client, ppk, pid, 200_000)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["paid_total"] == 200_000
