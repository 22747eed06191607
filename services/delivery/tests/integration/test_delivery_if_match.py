"""Every state-changing route honours If-Match: a stale version gets 412 problem+json and
changes nothing; the current one goes through."""

from delivery_flow import Order, in_state, pdf, publish, wait_until

FORMS = {
    "start-preparation": ("vendor", {}, None),
    "shipments": ("vendor", {"status": "shipped", "courier": "JNE", "tracking_number": "T1"}, None),
    "shipments#delivered": (
        "vendor",
        {"status": "delivered", "courier": "JNE", "tracking_number": "T1"},
        None,
    ),
    "inspection": ("ppk", {"note": "ok"}, {"bap": pdf("bap.pdf")}),
    "handover": ("ppk", {}, {"bast": pdf("bast.pdf")}),
    "payments": (
        "ppk",
        {"amount": "1000000"},
        {"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")},
    ),
    "complete": ("ppk", {}, None),
}


async def test_a_stale_if_match_is_refused_on_every_state_changing_route(
    delivery, tokens, infrastructure, topology
):
    client, order = delivery.client, Order(total=1_000_000)
    who = {"vendor": tokens.vendor(order.vendor_id), "ppk": tokens.ppk()}
    base = f"/fulfilments/{order.procurement_id}"
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    body = await wait_until(
        client, who["ppk"], order.procurement_id, in_state("ready_for_preparation")
    )

    for step, (role, data, files) in FORMS.items():
        path = f"{base}/{step.split('#')[0]}"
        version, history = body["version"], await _history(client, who["ppk"], order)
        delivery.clock.advance(minutes=10)  # a write would move updated_at
        stale = await client.post(
            path, data=data, files=files, headers=who[role] | {"If-Match": f'"{version - 1}"'}
        )
        assert stale.status_code == 412, (step, stale.text)
        assert stale.headers["content-type"].startswith("application/problem+json")
        after = (await client.get(base, headers=who["ppk"])).json()
        assert after == body, step  # nothing changed: same version, state, rows
        assert await _history(client, who["ppk"], order) == history

        done = await client.post(
            path, data=data, files=files, headers=who[role] | {"If-Match": f'"{version}"'}
        )
        assert done.status_code in (200, 201), (step, done.text)
        assert done.headers["ETag"] == f'"{version + 1}"'
        body = (await client.get(base, headers=who["ppk"])).json()
        assert body["version"] == version + 1
    assert body["state"] == "completed"


async def _history(client, headers, order) -> list:
    """The history of the actors' changes: the mail sender's entries (``notification_*``, the
    PPK's step-25 e-mail) are written on their own while the test runs."""
    response = await client.get(f"/procurements/{order.procurement_id}/history", headers=headers)
    return [e for e in response.json() if not e["action"].startswith("notification_")]
