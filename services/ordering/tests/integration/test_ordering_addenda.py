"""Acceptance 4: addenda keep within the pagu and 10 % over the original order total."""


async def issue_order(h, event) -> str:
    base = await h.approved_by_ppk(event)
    issued = await h.client.post(
        f"{base}/purchase-order",
        headers=h.tokens.ppk(),
        files=h.pdf(),
        data={"signatory": "Budi (PPK)", "terms": "Syarat umum"},
    )
    assert issued.status_code == 200, issued.text
    return base


class TestAddenda:
    async def test_rejects_over_ten_percent_and_accepts_a_valid_one_as_version_2(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event(pagu=130_000_000)  # original order total 106.5 million
        async with ordering_harness() as h:
            base = await issue_order(h, event)
            ppk = h.tokens.ppk()
            over = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={"reason": "tambah laptop", "quantities": '{"1": 12}'},
            )
            assert over.status_code == 422
            assert "10 %" in over.json()["detail"]
            no_document = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                data={"reason": "tambah", "quantities": '{"1": 11}'},
            )
            assert no_document.status_code == 422
            bad = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf(),
                data={"reason": "x y", "quantities": "[1]"},
            )
            assert bad.status_code == 422
            valid = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={
                    "reason": "tambah satu laptop",
                    "quantities": '{"1": 11}',
                    "delivery_deadline": "2026-03-15",
                },
            )
            assert valid.status_code == 200, valid.text
            order = valid.json()["purchase_order"]
            assert order["version"] == 2 and len(order["versions"]) == 2
            amended = await exchange_spy.wait_for(
                "ordering.order_amended.v1", lambda e: e.procurementid == event.procurementid
            )
        assert amended.data["version"] == 2
        assert amended.data["total"] == 116_500_000
        assert amended.data["delivery_deadline"] == "2026-03-15"
        assert amended.data["lines"][0]["quantity"] == 11

    async def test_rejects_a_new_total_above_the_pagu(self, ordering_harness, make_package_event):
        event = make_package_event(pagu=107_000_000)
        async with ordering_harness() as h:
            base = await issue_order(h, event)
            over_pagu = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=h.tokens.ppk(),
                files=h.pdf(),
                data={"reason": "tambah printer", "quantities": '{"2": 3}'},
            )
        assert over_pagu.status_code == 422
        assert "pagu Rp107000000" in over_pagu.json()["detail"]

    async def test_quantities_as_repeated_line_no_and_quantity_fields(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event(pagu=130_000_000)
        async with ordering_harness() as h:
            base = await issue_order(h, event)
            ppk = h.tokens.ppk()
            unpaired = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={"reason": "tambah", "line_no": ["1", "2"], "quantity": ["11"]},
            )
            assert unpaired.status_code == 422
            assert unpaired.json()["errors"][0]["field"] == "quantity"
            both = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={
                    "reason": "tambah",
                    "line_no": "1",
                    "quantity": "11",
                    "quantities": '{"1": 11}',
                },
            )
            assert both.status_code == 422
            not_a_number = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={"reason": "tambah", "line_no": "1", "quantity": "sebelas"},
            )
            assert not_a_number.status_code == 422
            long_ago = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={"reason": "mundur", "delivery_deadline": "1970-01-01"},
            )
            assert long_ago.status_code == 422
            assert long_ago.json()["errors"][0]["field"] == "delivery_deadline"
            valid = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=ppk,
                files=h.pdf("add.pdf"),
                data={
                    "reason": "tambah satu printer",
                    "line_no": ["2", "1"],
                    "quantity": ["3", "10"],
                },
            )
            assert valid.status_code == 200, valid.text
        lines = valid.json()["purchase_order"]["versions"][-1]["lines"]
        assert [line["quantity"] for line in lines] == [10, 3]
