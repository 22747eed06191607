"""Acceptance 1: from ordering.order_issued.v1 to delivery.package_completed.v1 over HTTP."""

from datetime import date

from delivery_flow import Order, in_state, pay, pdf, publish, receive, ship, wait_until

from epurchasing_shared.contracts.delivery import PackageCompleted

DELIVERY_EVENTS = [
    "delivery.preparation_started.v1",
    "delivery.shipment_recorded.v1",  # packed
    "delivery.shipment_recorded.v1",  # shipped
    "delivery.shipment_recorded.v1",  # in_transit
    "delivery.shipment_recorded.v1",  # in_transit
    "delivery.shipment_recorded.v1",  # delivered
    "delivery.goods_inspected.v1",
    "delivery.goods_handed_over.v1",
    "delivery.payment_recorded.v1",
    "delivery.payment_recorded.v1",
    "delivery.package_completed.v1",
]


async def test_order_issued_through_package_completed(
    delivery, exchange_spy, tokens, infrastructure, topology
):
    client, clock = delivery.client, delivery.clock
    order = Order(total=1_000_000)
    ppk, vendor = tokens.ppk(), tokens.vendor(order.vendor_id)
    base = f"/fulfilments/{order.procurement_id}"

    await publish(infrastructure.amqp_url, topology, order.issued())
    body = await wait_until(client, ppk, order.procurement_id, in_state("awaiting_acknowledgement"))
    assert (body["order"]["total"], body["vendor"]["name"]) == (1_000_000, "CV Maju Jaya")

    refused = await client.post(f"{base}/start-preparation", headers=vendor)
    assert refused.status_code == 409
    assert refused.json()["current_state"] == "awaiting_acknowledgement"

    await publish(infrastructure.amqp_url, topology, order.acknowledged())
    body = await wait_until(client, vendor, order.procurement_id, in_state("ready_for_preparation"))
    assert body["allowed_actions"] == ["start_preparation"]

    assert (await client.post(f"{base}/start-preparation", headers=tokens.ppk())).status_code == 403
    started = await client.post(f"{base}/start-preparation", headers=vendor)
    assert started.status_code == 200, started.text
    assert started.json()["state"] == "preparing"

    for status in ("packed", "shipped", "in_transit", "in_transit"):
        clock.advance(hours=2)
        extra = {"files": {"document": pdf("surat-jalan.pdf")}} if status == "shipped" else {}
        response = await ship(client, vendor, order.procurement_id, status, **extra)
        assert response.status_code == 201, response.text
    clock.advance(hours=2)
    delivered = await ship(client, vendor, order.procurement_id, "delivered", note="diterima")
    assert delivered.status_code == 201 and delivered.json()["state"] == "delivered"
    shipments = delivered.json()["shipments"]
    assert [s["status"] for s in shipments][-2:] == ["in_transit", "delivered"]
    document = shipments[1]["document"]
    assert (document["kind"], document["media_type"]) == ("delivery_document", "application/pdf")
    download = await client.get(f"{base}/documents/{document['id']}", headers=ppk)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-1.4")

    assert (await receive(client, ppk, order.procurement_id, "bap")).status_code == 200
    handed = await receive(client, ppk, order.procurement_id, "bast")
    assert handed.status_code == 200 and handed.json()["bast"]["document"]["kind"] == "bast"
    assert (await pay(client, ppk, order.procurement_id, 400_000)).status_code == 201
    paid = await pay(client, ppk, order.procurement_id, 600_000)
    assert paid.status_code == 201 and paid.json()["state"] == "paid"

    completed = await client.post(f"{base}/complete", headers=ppk)
    assert completed.status_code == 200, completed.text
    assert completed.json()["state"] == "completed"

    event = await exchange_spy.wait_for(
        "delivery.package_completed.v1", lambda e: e.procurementid == order.procurement_id
    )
    facts = PackageCompleted.model_validate(event.data)
    assert (facts.vendor.id, facts.vendor.name) == (order.vendor_id, "CV Maju Jaya")
    assert (facts.ppk.id, facts.work_unit, facts.order_total) == ("ppk-1", "dinkes", 1_000_000)
    # FixedClock starts 2026-01-05 09:00 UTC; delivered 10 hours later, at 19:00 UTC, which is
    # 02:00 on the 6th in Jakarta: the SOP's dates are local dates.
    assert facts.actual_delivery_date == date(2026, 1, 6)
    assert facts.promised_delivery_date == date(2026, 1, 12) and facts.on_time is True
    assert (event.sopstep, event.actorrole, event.subject) == (
        "27",
        "ppk",
        str(order.procurement_id),
    )

    ours = [e for e in exchange_spy.events if e.procurementid == order.procurement_id]
    incoming = ["ordering.order_issued.v1", "ordering.order_acknowledged.v1"]
    assert [e.type for e in ours] == incoming + DELIVERY_EVENTS
    times = [e.time for e in ours if e.source == "/epurchasing/delivery"]
    assert times == sorted(times)
    payments = [e.data for e in ours if e.type == "delivery.payment_recorded.v1"]
    assert [(p["paid_so_far"], p["remaining"]) for p in payments] == [
        (400_000, 600_000),
        (1_000_000, 0),
    ]


async def test_fulfilments_are_seen_only_by_their_actors(
    delivery, tokens, infrastructure, topology
):
    client = delivery.client
    order = Order(work_unit="dinas-pu")
    await publish(infrastructure.amqp_url, topology, order.issued())
    await wait_until(
        client,
        tokens.ppk(work_unit="dinas-pu"),
        order.procurement_id,
        in_state("awaiting_acknowledgement"),
    )
    path = f"/fulfilments/{order.procurement_id}"
    for stranger in (tokens.ppk(work_unit="dinkes"), tokens.vendor(Order().vendor_id)):
        assert (await client.get(path, headers=stranger)).status_code == 404
        assert (
            await client.get(f"/procurements/{order.procurement_id}/history", headers=stranger)
        ).status_code == 404
        listed = await client.get("/fulfilments", headers=stranger)
        assert order.procurement_id not in {i["procurement_id"] for i in listed.json()["items"]}
    assert (await client.get(path, headers=tokens.official())).status_code == 403
    for reader in (tokens.auditor(), tokens.admin(), tokens.vendor(order.vendor_id)):
        assert (await client.get(path, headers=reader)).status_code == 200
    waiting = await client.get(
        "/fulfilments",
        params={"state": "awaiting_acknowledgement"},
        headers=tokens.ppk(work_unit="dinas-pu"),
    )
    assert [i["procurement_id"] for i in waiting.json()["items"]] == [str(order.procurement_id)]
    other_state = await client.get(
        "/fulfilments", params={"state": "paid"}, headers=tokens.ppk(work_unit="dinas-pu")
    )
    assert other_state.json()["items"] == []
    # A stranger's PPK acting on the fulfilment finds nothing to act on.
    refused = await client.post(f"{path}/complete", headers=tokens.ppk(work_unit="dinkes"))
    assert refused.status_code == 404
