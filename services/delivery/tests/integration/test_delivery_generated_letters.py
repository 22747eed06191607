"""The generated BAP and BAST (26): 409 before the step, then a PDF for whoever may read the
fulfilment (404 for a stranger, 403 for a role that reads no fulfilment), its SHA-256 the ETag
and in the step's history entry beside the PPK's signed scan."""

import hashlib

from delivery_flow import Order, in_state, pdf, publish, receive, ship, wait_until


async def _delivered(client, clock, tokens, order, infrastructure, topology) -> None:
    vendor = tokens.vendor(order.vendor_id)
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    await wait_until(client, vendor, order.procurement_id, in_state("ready_for_preparation"))
    base = f"/fulfilments/{order.procurement_id}"
    assert (await client.post(f"{base}/start-preparation", headers=vendor)).status_code == 200
    for status in ("packed", "shipped", "in_transit", "delivered"):
        clock.advance(hours=2)
        extra = {"files": {"document": pdf("surat-jalan.pdf")}} if status == "shipped" else {}
        shipped = await ship(client, vendor, order.procurement_id, status, **extra)
        assert shipped.status_code == 201, shipped.text


async def test_bap_and_bast_are_generated_at_their_steps(
    delivery, tokens, infrastructure, topology
):
    client = delivery.client
    order = Order(total=1_000_000)
    ppk, vendor = tokens.ppk(), tokens.vendor(order.vendor_id)
    base = f"/fulfilments/{order.procurement_id}"
    await _delivered(client, delivery.clock, tokens, order, infrastructure, topology)

    for kind in ("bap", "bast"):
        early = await client.get(f"{base}/{kind}.pdf", headers=ppk)
        assert early.status_code == 409, early.text
        assert early.headers["content-type"].startswith("application/problem+json")
        assert early.json()["current_state"] == "delivered"

    assert (await receive(client, ppk, order.procurement_id, "bap")).status_code == 200
    assert (await client.get(f"{base}/bast.pdf", headers=ppk)).status_code == 409
    assert (await receive(client, ppk, order.procurement_id, "bast")).status_code == 200

    history_url = f"/procurements/{order.procurement_id}/history"
    history = (await client.get(history_url, headers=ppk)).json()
    for kind, action in (("bap", "inspect_goods"), ("bast", "hand_over_goods")):
        answers = [
            await client.get(f"{base}/{kind}.pdf", headers=reader)
            for reader in (ppk, vendor, tokens.auditor(), tokens.admin())
        ]
        assert {a.status_code for a in answers} == {200}
        pdf = answers[0]
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"].startswith("attachment")
        assert pdf.content.startswith(b"%PDF-") and len({a.content for a in answers}) == 1
        digest = hashlib.sha256(pdf.content).hexdigest()
        assert pdf.headers["etag"] == f'"{digest}"'
        again = await client.get(
            f"{base}/{kind}.pdf", headers={**ppk, "If-None-Match": pdf.headers["etag"]}
        )
        assert again.status_code == 304
        (entry,) = [h for h in history if h["action"] == action]
        kinds = {d["kind"]: d["sha256"] for d in entry["documents"]}
        assert kinds[f"{kind}_generated"] == digest
        assert kind in kinds  # the PPK's signed scan is kept beside it
        listed = await client.get(f"{base}/documents/{entry['documents'][1]['id']}", headers=ppk)
        assert listed.status_code == 200 and listed.content == pdf.content

    for stranger in (tokens.ppk(work_unit="dinas-pu"), tokens.vendor(Order().vendor_id)):
        assert (await client.get(f"{base}/bap.pdf", headers=stranger)).status_code == 404
    assert (await client.get(f"{base}/bap.pdf", headers=tokens.official())).status_code == 403
    assert (await client.get(f"{base}/bap.pdf")).status_code == 401
