"""Step 25 over HTTP: the shipping history refuses bad entries with the right problem."""

from delivery_flow import Order, in_state, publish, ship, wait_until


async def test_shipping_history_refuses_backwards_future_and_bad_documents(
    delivery, tokens, infrastructure, topology
):
    client, clock = delivery.client, delivery.clock
    order = Order()
    vendor = tokens.vendor(order.vendor_id)
    pid = order.procurement_id
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    await wait_until(client, vendor, pid, in_state("ready_for_preparation"))
    assert (await ship(client, vendor, pid, "packed")).status_code == 409  # not preparing yet
    assert (await client.post(f"/fulfilments/{pid}/start-preparation")).status_code == 401
    prepared = await client.post(
        f"/fulfilments/{pid}/start-preparation", headers=vendor | {"If-Match": '"1"'}
    )
    assert prepared.status_code == 412  # version 2 after the acknowledgement
    assert (
        await client.post(f"/fulfilments/{pid}/start-preparation", headers=vendor)
    ).status_code == 200

    future = (clock.now().replace(year=2027)).isoformat()
    too_late = await ship(client, vendor, pid, "shipped", happened_at=future)
    assert too_late.status_code == 422
    assert too_late.json()["errors"][0]["field"] == "happened_at"
    naive = await ship(client, vendor, pid, "shipped", happened_at="2026-01-05T08:00:00")
    assert naive.status_code == 422
    not_pdf = await ship(
        client, vendor, pid, "shipped", files={"document": ("x.pdf", b"hello", "application/pdf")}
    )
    assert not_pdf.status_code == 422
    unknown = await ship(client, vendor, pid, "lost")
    assert unknown.status_code == 422
    no_courier = await client.post(
        f"/fulfilments/{pid}/shipments", data={"status": "shipped"}, headers=vendor
    )
    assert no_courier.status_code == 422

    assert (await ship(client, vendor, pid, "in_transit")).status_code == 201
    backwards = await ship(client, vendor, pid, "shipped")
    assert backwards.status_code == 409
    assert "cannot go back from in_transit to shipped" in backwards.json()["detail"]
    assert backwards.json()["current_state"] == "shipping"
    other_vendor = await ship(client, tokens.vendor(Order().vendor_id), pid, "in_transit")
    assert other_vendor.status_code == 404

    body = (await client.get(f"/fulfilments/{pid}", headers=tokens.auditor())).json()
    assert [s["status"] for s in body["shipments"]] == ["in_transit"]
    assert body["allowed_actions"] == []  # an auditor only reads
