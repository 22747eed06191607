"""Every state-changing route of ordering honours If-Match: a stale version is a 412
problem+json and changes nothing (the version is checked before the state or the rules)."""

from uuid import UUID

PROBLEM = "application/problem+json"


class TestStaleIfMatch:
    async def test_every_state_changing_route_refuses_a_stale_version(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        base = f"/packages/{package_id}"
        async with ordering_harness() as h:
            await h.publish(event)
            before = await h.wait_for_package(package_id)
            vendor = h.tokens.vendor(UUID(event.data["vendor"]["id"]))
            official, ppk = h.tokens.official(), h.tokens.ppk()
            prices = {"prices": [{"line_no": 1, "unit_price": 9}, {"line_no": 2, "unit_price": 9}]}
            routes = [
                (f"{base}/process", official, {}),
                (f"{base}/approve", vendor, {}),
                (f"{base}/send-to-ppk", official, {}),
                (f"{base}/ppk-approve", ppk, {}),
                (f"{base}/ppk-reject", ppk, {"json": {"reason": "tidak sesuai"}}),
                (f"{base}/cancel", official, {"json": {"reason": "batal saja"}}),
                (
                    f"{base}/negotiation/proposals",
                    official,
                    {"json": prices | {"shipping_cost": 0}},
                ),
                (f"{base}/negotiation/proposals/1/accept", vendor, {}),
                (f"{base}/negotiation/proposals/1/reject", vendor, {}),
                (f"{base}/negotiation/accept-counter", official, {}),
                (
                    f"{base}/purchase-order",
                    ppk,
                    {"data": {"signatory": "Budi", "terms": "Syarat"}, "files": h.pdf()},
                ),
                (f"{base}/purchase-order/acknowledge", vendor, {}),
                (
                    f"{base}/purchase-order/addenda",
                    ppk,
                    {"data": {"reason": "tambah", "shipping_cost": "0"}, "files": h.pdf("a.pdf")},
                ),
            ]
            for path, who, body in routes:
                stale = await h.client.post(path, headers=who | {"If-Match": '"99"'}, **body)
                assert stale.status_code == 412, (path, stale.text)
                assert stale.headers["content-type"].startswith(PROBLEM), path
            after = (await h.client.get(base, headers=official)).json()
            assert after == before
            history = await h.history(UUID(event.data["purchase_request_id"]))
            assert [e["action"] for e in history] == ["receive_package"]

            current = await h.client.post(
                f"{base}/process", headers=official | {"If-Match": f'"{before["version"]}"'}
            )
            assert current.status_code == 200, current.text
            assert current.headers["ETag"] == f'"{before["version"] + 1}"'
