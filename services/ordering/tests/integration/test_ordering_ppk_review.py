"""Acceptance 3: the PPK's rejection cancels the package and emits package_cancelled."""

from uuid import UUID


class TestPpkReview:
    async def test_rejection_cancels_the_package_with_its_reason(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        base = f"/packages/{package_id}"
        async with ordering_harness() as h:
            await h.publish(event)
            await h.wait_for_package(package_id)
            vendor = h.tokens.vendor(UUID(event.data["vendor"]["id"]))
            official, ppk = h.tokens.official(), h.tokens.ppk()
            for path, who in (
                (f"{base}/process", official),
                (f"{base}/approve", vendor),
                (f"{base}/send-to-ppk", official),
            ):
                assert (await h.client.post(path, headers=who)).status_code == 200
            other_ppk = h.tokens.ppk(sub="ppk-9", work_unit="dishub")
            hidden = await h.client.post(
                f"{base}/ppk-reject", headers=other_ppk, json={"reason": "bukan urusan saya"}
            )
            assert hidden.status_code == 404
            as_official = await h.client.post(
                f"{base}/ppk-reject", headers=official, json={"reason": "tidak boleh"}
            )
            assert as_official.status_code == 403
            no_reason = await h.client.post(f"{base}/ppk-reject", headers=ppk, json={})
            assert no_reason.status_code == 422
            rejected = await h.client.post(
                f"{base}/ppk-reject", headers=ppk, json={"reason": "Harga belum sesuai HPS"}
            )
            assert rejected.status_code == 200, rejected.text
            assert rejected.json()["state"] == "cancelled"
            assert rejected.json()["cancel_reason"] == "Harga belum sesuai HPS"
            order = await h.client.post(
                f"{base}/purchase-order",
                headers=ppk,
                files=h.pdf(),
                data={"signatory": "Budi", "terms": "x"},
            )
            assert order.status_code == 409
            assert order.json()["current_state"] == "cancelled"
            cancelled = await exchange_spy.wait_for(
                "ordering.package_cancelled.v1", lambda e: e.data["package_id"] == str(package_id)
            )
            history = await h.history(event.procurementid)
        assert cancelled.data["reason"] == "Harga belum sesuai HPS"
        assert cancelled.data["purchase_request_id"] == str(event.procurementid)
        assert cancelled.data["competition_id"] == event.data["competition_id"]
        assert cancelled.sopstep == "20b" and cancelled.actorrole == "ppk"
        last = next(e for e in history if e["action"] == "ppk_reject")
        assert (last["from_state"], last["to_state"], last["reason"]) == (
            "awaiting_ppk",
            "cancelled",
            "Harga belum sesuai HPS",
        )
