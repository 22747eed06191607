"""Acceptance 2: the vendor's price only goes down; rounds are kept; agreed prices go on the
order; the official may meet the vendor half-way."""

from uuid import UUID


def prices(laptop: int, printer: int, shipping: int) -> dict:
    return {
        "prices": [{"line_no": 1, "unit_price": laptop}, {"line_no": 2, "unit_price": printer}],
        "shipping_cost": shipping,
    }


async def start(h, event) -> tuple[str, dict, dict]:
    await h.publish(event)
    package_id = UUID(event.data["package_id"])
    await h.wait_for_package(package_id)
    official = h.tokens.official()
    base = f"/packages/{package_id}"
    assert (await h.client.post(f"{base}/process", headers=official)).status_code == 200
    return base, official, h.tokens.vendor(UUID(event.data["vendor"]["id"]))


class TestNegotiation:
    async def test_two_rejected_rounds_then_agreement_put_the_agreed_prices_on_the_order(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event()
        async with ordering_harness() as h:
            base, official, vendor = await start(h, event)
            above = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(10_500_000, 3_000_000, 500_000),
            )
            assert above.status_code == 422
            assert "Rp10500000" in above.json()["detail"]
            assert "Rp10000000" in above.json()["detail"]

            r1 = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_500_000, 2_900_000, 400_000),
            )
            assert r1.status_code == 200, r1.text
            rejected = await h.client.post(
                f"{base}/negotiation/proposals/1/reject",
                headers=vendor,
                json={
                    "counter_prices": [
                        {"line_no": 1, "unit_price": 9_800_000},
                        {"line_no": 2, "unit_price": 3_000_000},
                    ],
                    "counter_shipping_cost": 500_000,
                    "reason": "margin terlalu tipis",
                },
            )
            assert rejected.status_code == 200, rejected.text
            assert rejected.json()["state"] == "negotiation_rejected"
            assert set(rejected.json()["allowed_actions"]) == set()  # vendor waits

            # above the vendor's last price (its counter of 9.800.000): refused
            up_again = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_900_000, 2_900_000, 400_000),
            )
            assert up_again.status_code == 422
            assert "Rp9900000" in up_again.json()["detail"]
            assert "Rp9800000" in up_again.json()["detail"]
            zero = await h.client.post(
                f"{base}/negotiation/proposals", headers=official, json=prices(0, 2_900_000, 0)
            )
            assert zero.status_code == 422 and "Rp1" in zero.json()["detail"]

            r2 = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_400_000, 2_900_000, 300_000),
            )
            assert r2.status_code == 200
            stale = await h.client.post(f"{base}/negotiation/proposals/1/accept", headers=vendor)
            assert stale.status_code == 422
            assert (
                await h.client.post(f"{base}/negotiation/proposals/2/reject", headers=vendor)
            ).status_code == 200
            r3 = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_300_000, 2_850_000, 0),
            )
            assert r3.status_code == 200
            agreed = await h.client.post(f"{base}/negotiation/proposals/3/accept", headers=vendor)
            assert agreed.status_code == 200, agreed.text
            view = agreed.json()
            assert view["state"] == "agreed"
            assert [r["status"] for r in view["negotiation"]] == [
                "rejected",
                "rejected",
                "accepted",
            ]
            assert view["negotiation"][0]["counter_prices"] == {"1": 9_800_000, "2": 3_000_000}

            for path, who in (
                (f"{base}/approve", vendor),
                (f"{base}/send-to-ppk", official),
                (f"{base}/ppk-approve", h.tokens.ppk()),
            ):
                assert (await h.client.post(path, headers=who)).status_code == 200
            issued = await h.client.post(
                f"{base}/purchase-order",
                headers=h.tokens.ppk(),
                files=h.pdf(),
                data={"signatory": "Budi (PPK)", "terms": "Syarat umum SP"},
            )
            assert issued.status_code == 200, issued.text
            order = await exchange_spy.wait_for(
                "ordering.order_issued.v1", lambda e: e.procurementid == event.procurementid
            )
        assert [(x["line_no"], x["unit_price"], x["line_total"]) for x in order.data["lines"]] == [
            (1, 9_300_000, 93_000_000),
            (2, 2_850_000, 5_700_000),
        ]
        assert order.data["shipping_cost"] == 0
        assert order.data["total"] == 98_700_000
        rejections = [
            e
            for e in exchange_spy.of_type("ordering.negotiation_rejected.v1")
            if e.procurementid == event.procurementid
        ]
        assert [e.data["round"] for e in rejections] == [1, 2]

    async def test_the_official_can_accept_the_vendors_counter_prices(
        self, ordering_harness, make_package_event
    ):
        async with ordering_harness() as h:
            base, official, vendor = await start(h, make_package_event())
            nothing = await h.client.post(f"{base}/negotiation/accept-counter", headers=official)
            assert nothing.status_code == 409
            await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_000_000, 2_500_000, 0),
            )
            too_high = await h.client.post(
                f"{base}/negotiation/proposals/1/reject",
                headers=vendor,
                json={
                    "counter_prices": [
                        {"line_no": 1, "unit_price": 11_000_000},
                        {"line_no": 2, "unit_price": 2_500_000},
                    ],
                    "counter_shipping_cost": 0,
                },
            )
            assert too_high.status_code == 422
            await h.client.post(
                f"{base}/negotiation/proposals/1/reject",
                headers=vendor,
                json={
                    "counter_prices": [
                        {"line_no": 1, "unit_price": 9_500_000},
                        {"line_no": 2, "unit_price": 2_800_000},
                    ],
                    "counter_shipping_cost": 250_000,
                },
            )
            wrong_role = await h.client.post(f"{base}/negotiation/accept-counter", headers=vendor)
            assert wrong_role.status_code == 403
            accepted = await h.client.post(f"{base}/negotiation/accept-counter", headers=official)
            assert accepted.status_code == 200, accepted.text
        view = accepted.json()
        assert view["state"] == "agreed"
        assert [x["unit_price"] for x in view["lines"]] == [9_500_000, 2_800_000]
        assert view["shipping_cost"] == 250_000
        assert view["total"] == 95_000_000 + 5_600_000 + 250_000

    async def test_the_official_may_meet_the_vendors_counter_half_way(
        self, ordering_harness, make_package_event
    ):
        """Proposed 8.900.000, countered 8.950.000: the official proposes 8.920.000 (above
        their own proposal, below the vendor's last price); the vendor may not counter above
        its own previous counter."""
        async with ordering_harness() as h:
            base, official, vendor = await start(h, make_package_event())
            first = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(8_900_000, 2_500_000, 0),
            )
            assert first.status_code == 200, first.text
            countered = await h.client.post(
                f"{base}/negotiation/proposals/1/reject",
                headers=vendor,
                json={
                    "counter_prices": [
                        {"line_no": 1, "unit_price": 8_950_000},
                        {"line_no": 2, "unit_price": 2_600_000},
                    ],
                    "counter_shipping_cost": 100_000,
                },
            )
            assert countered.status_code == 200, countered.text
            above = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(8_960_000, 2_500_000, 0),
            )
            assert above.status_code == 422
            assert "Rp8950000" in above.json()["detail"]
            half_way = await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(8_920_000, 2_550_000, 50_000),
            )
            assert half_way.status_code == 200, half_way.text
            raised = await h.client.post(
                f"{base}/negotiation/proposals/2/reject",
                headers=vendor,
                json={
                    "counter_prices": [
                        {"line_no": 1, "unit_price": 8_960_000},
                        {"line_no": 2, "unit_price": 2_600_000},
                    ],
                    "counter_shipping_cost": 100_000,
                },
            )
            assert raised.status_code == 422, raised.text
            accepted = await h.client.post(f"{base}/negotiation/proposals/2/accept", headers=vendor)
            assert accepted.status_code == 200, accepted.text
        assert [x["unit_price"] for x in accepted.json()["lines"]] == [8_920_000, 2_550_000]

    async def test_the_official_can_cancel_during_negotiation(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event()
        async with ordering_harness() as h:
            base, official, vendor = await start(h, event)
            await h.client.post(
                f"{base}/negotiation/proposals",
                headers=official,
                json=prices(9_000_000, 2_500_000, 0),
            )
            cancelled = await h.client.post(
                f"{base}/cancel", headers=official, json={"reason": "vendor tidak merespons"}
            )
            assert cancelled.status_code == 200
            assert cancelled.json()["state"] == "cancelled"
            late = await h.client.post(f"{base}/negotiation/proposals/1/accept", headers=vendor)
            assert late.status_code == 409
            assert late.json()["allowed_actions"] == []
            emitted = await exchange_spy.wait_for(
                "ordering.package_cancelled.v1", lambda e: e.procurementid == event.procurementid
            )
        assert emitted.data["reason"] == "vendor tidak merespons"
