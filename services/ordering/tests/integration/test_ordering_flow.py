"""Acceptance 1: from competition.package_generated.v1 to ordering.order_acknowledged.v1."""

import asyncio
from uuid import UUID, uuid4

PROCESS_TO_ACK = [
    "competition.package_generated.v1",
    "ordering.package_processing.v1",
    "ordering.vendor_notified.v1",
    "ordering.negotiation_proposed.v1",
    "ordering.negotiation_agreed.v1",
    "ordering.vendor_approved.v1",
    "ordering.package_sent_to_ppk.v1",
    "ordering.package_approved.v1",
    "ordering.order_issued.v1",
    "ordering.order_acknowledged.v1",
]


class TestFromPackageGeneratedToOrderAcknowledged:
    async def test_runs_the_steps_in_causal_order_with_one_email(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        procurement_id = event.procurementid
        vendor_id = UUID(event.data["vendor"]["id"])
        recipient = event.data["vendor"]["email"]
        async with ordering_harness() as h:
            await h.publish(event)
            await h.wait_for_package(package_id)
            # The same event again (inbox), and a re-sent package under a new event id.
            await h.publish(event)
            await h.publish(event.model_copy(update={"id": uuid4()}))
            vendor = h.tokens.vendor(vendor_id)
            official = h.tokens.official()
            base = f"/packages/{package_id}"

            first = await h.client.post(
                f"{base}/process", headers=official | {"Idempotency-Key": "p-1"}
            )
            assert first.status_code == 200, first.text
            assert first.json()["state"] == "processing"
            replay = await h.client.post(
                f"{base}/process", headers=official | {"Idempotency-Key": "p-1"}
            )
            assert replay.status_code == 200
            assert replay.headers.get("Idempotent-Replayed") == "true"
            assert replay.json() == first.json()
            again = await h.client.post(f"{base}/process", headers=official)
            assert again.status_code == 409
            assert again.json()["current_state"] == "processing"

            await exchange_spy.wait_for(
                "ordering.vendor_notified.v1", lambda e: e.data["package_id"] == str(package_id)
            )
            proposal = {
                "prices": [
                    {"line_no": 1, "unit_price": 9_800_000},
                    {"line_no": 2, "unit_price": 3_000_000},
                ],
                "shipping_cost": 500_000,
            }
            response = await h.client.post(
                f"{base}/negotiation/proposals", headers=official, json=proposal
            )
            assert response.status_code == 200, response.text
            assert response.json()["allowed_actions"] == ["cancel"]
            steps = [
                (f"{base}/negotiation/proposals/1/accept", vendor, "agreed"),
                (f"{base}/approve", vendor, "vendor_approved"),
                (f"{base}/send-to-ppk", official, "awaiting_ppk"),
                (f"{base}/ppk-approve", h.tokens.ppk(), "ppk_approved"),
            ]
            for path, who, state in steps:
                response = await h.client.post(path, headers=who)
                assert response.status_code == 200, response.text
                assert response.json()["state"] == state
            response = await h.client.post(
                f"{base}/purchase-order",
                headers=h.tokens.ppk(),
                files=h.pdf(),
                data={"signatory": "Budi, S.T. (PPK)", "terms": "Pembayaran setelah BAST."},
            )
            assert response.status_code == 200, response.text
            order = response.json()["purchase_order"]
            assert order["number"].startswith("SP/dinkes/2026/")
            assert order["versions"][0]["total"] == 98_000_000 + 6_000_000 + 500_000
            response = await h.client.post(f"{base}/purchase-order/acknowledge", headers=vendor)
            assert response.status_code == 200, response.text
            assert response.json()["state"] == "order_acknowledged"

            await exchange_spy.wait_for(
                "ordering.order_acknowledged.v1", lambda e: e.procurementid == procurement_id
            )
            await asyncio.sleep(1.0)  # room for a (wrong) second e-mail or package to appear
            listed = await h.client.get("/packages", headers=h.tokens.auditor())
            assert [p["id"] for p in listed.json()["items"]].count(str(package_id)) == 1
            history = await h.history(procurement_id)

        seen = [e.type for e in exchange_spy.events if e.procurementid == procurement_id]
        # the package's arrival is announced once (ordering.package_received.v1), after the
        # first of the three deliveries of competition's event (where among them: timing)
        assert seen.count("ordering.package_received.v1") == 1
        assert seen.index("ordering.package_received.v1") > 0
        seen.remove("ordering.package_received.v1")
        assert seen == [PROCESS_TO_ACK[0]] * 3 + PROCESS_TO_ACK[1:]
        # One e-mail per hand-off: the package (15), the proposal awaiting the vendor's answer
        # (17), the purchase order awaiting its acknowledgement (21); the PPK's (19) has no
        # address (competition's event carries none) and is recorded as not sent.
        everything = h.catcher.to(recipient)
        ids = [m["Message-ID"] for m in everything]
        assert len(ids) == len(set(ids)) == 3
        assert sum("menunggu jawaban Anda" in m["Subject"] for m in everything) == 1
        assert sum("Surat Pesanan menunggu" in m["Subject"] for m in everything) == 1
        mails = [m for m in everything if m["Message-ID"].startswith(f"<package-{package_id}@")]
        assert len(mails) == 1
        body = mails[0].get_content()
        assert "Pengadaan laptop Dinas Kesehatan" in mails[0]["Subject"]
        assert "Laptop 14 inci" in body and "Rp10.000.000" in body and "English" in body
        assert f"https://epurchasing.contoh.go.id/packages/{package_id}" in body
        notified = exchange_spy.of_type("ordering.vendor_notified.v1")
        assert any(e.data["message_id"] == mails[0]["Message-ID"] for e in notified)
        assert [e["action"] for e in history if e["action"] == "receive_package"] == [
            "receive_package"
        ]
        assert "vendor_email_sent" in [e["action"] for e in history]
