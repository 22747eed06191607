"""Malformed input is a 422 problem+json naming the field, never a 500 nor a silent
coercion: list cursors, addendum quantities, numbers beyond what the database holds."""

import base64
import json
from uuid import UUID

PROBLEM_JSON = "application/problem+json"


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def assert_invalid(response, field: str) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert field in [error["field"] for error in response.json()["errors"]], response.text


async def issue_order(h, event) -> str:
    """Drive a package to an issued purchase order (steps 14-21); its base path."""
    base = await h.approved_by_ppk(event)
    issued = await h.client.post(
        f"{base}/purchase-order",
        headers=h.tokens.ppk(),
        files=h.pdf(),
        data={"signatory": "Budi (PPK)", "terms": "Syarat umum"},
    )
    assert issued.status_code == 200, issued.text
    return base


class TestPackageListCursor:
    async def test_a_cursor_of_non_strings_or_the_wrong_length_is_a_422(self, ordering_harness):
        async with ordering_harness() as h:
            answers = [
                await h.client.get(
                    "/packages", params={"cursor": cursor(values)}, headers=h.tokens.official()
                )
                for values in ([1, 2], [], ["x"], [None, {}])
            ]
        for answer in answers:
            assert_invalid(answer, "cursor")

    async def test_a_procurement_id_not_a_uuid_is_a_422_naming_it(self, ordering_harness):
        async with ordering_harness() as h:
            answer = await h.client.get(
                "/packages", params={"procurement_id": "42"}, headers=h.tokens.official()
            )
        assert_invalid(answer, "procurement_id")


class TestAddendumQuantities:
    async def test_only_json_integers_from_1_for_known_lines_are_accepted(
        self, ordering_harness, make_package_event
    ):
        async with ordering_harness() as h:
            base = await issue_order(h, make_package_event(pagu=130_000_000))
            ppk = h.tokens.ppk()

            async def addendum(**data: str):
                return await h.client.post(
                    f"{base}/purchase-order/addenda",
                    headers=ppk,
                    files=h.pdf("add.pdf"),
                    data={"reason": "tambah satu laptop", **data},
                )

            bad = {
                raw: await addendum(quantities=raw)
                for raw in (
                    '{"1": 1e400}',
                    '{"1": 11.0}',
                    '{"1": true}',
                    '{"1": "11"}',
                    '{"1": 0}',
                    json.dumps({"1": 2**63}),
                    '{"x": 11}',
                    '{"99": 11}',
                )
            }
            shipping_beyond_int64 = await addendum(shipping_cost=str(2**63))
            valid = await addendum(quantities='{"1": 11}')
        for raw, answer in bad.items():
            assert answer.status_code == 422, (raw, answer.text)
            assert_invalid(answer, "quantities")
        assert_invalid(shipping_beyond_int64, "shipping_cost")
        # The order could be amended all along: the 422s were about the values alone.
        assert valid.status_code == 200, valid.text
        assert valid.json()["purchase_order"]["versions"][-1]["lines"][0]["quantity"] == 11


class TestMoneyBounds:
    async def test_prices_beyond_int64_are_a_validation_422(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event()
        package_id = event.data["package_id"]
        proposals = f"/packages/{package_id}/negotiation/proposals"

        def proposal(unit_price: int, shipping: int) -> dict:
            lines = [{"line_no": n, "unit_price": unit_price} for n in (1, 2)]
            return {"prices": lines, "shipping_cost": shipping}

        async with ordering_harness() as h:
            await h.publish(event)
            await h.wait_for_package(UUID(package_id))
            official = h.tokens.official()
            processed = await h.client.post(f"/packages/{package_id}/process", headers=official)
            assert processed.status_code == 200, processed.text
            shipping = await h.client.post(
                proposals, headers=official, json=proposal(2_900_000, 2**63)
            )
            price = await h.client.post(proposals, headers=official, json=proposal(2**63, 400_000))
            valid = await h.client.post(
                proposals, headers=official, json=proposal(2_900_000, 400_000)
            )
        assert_invalid(shipping, "shipping_cost")
        assert_invalid(price, "prices.0.unit_price")
        assert valid.status_code == 200, valid.text


class TestAuthenticationComesFirst:
    async def test_no_token_is_401_even_with_a_malformed_cursor_or_state(self, ordering_harness):
        async with ordering_harness() as h:
            for query in ("?cursor=%%%not-a-cursor", "?state=nonsense&limit=0", ""):
                anonymous = await h.client.get(f"/packages{query}")
                assert anonymous.status_code == 401, (query, anonymous.text)
            malformed = await h.client.get(
                "/packages?cursor=%%%not-a-cursor", headers=h.tokens.auditor()
            )
            assert malformed.status_code == 422

    async def test_strings_and_booleans_are_not_prices(self, ordering_harness, make_package_event):
        from uuid import UUID

        event = make_package_event()
        async with ordering_harness() as h:
            await h.publish(event)
            package_id = UUID(event.data["package_id"])
            await h.wait_for_package(package_id)
            base, official = f"/packages/{package_id}", h.tokens.official()
            assert (await h.client.post(f"{base}/process", headers=official)).status_code == 200
            for body in (
                {"prices": [{"line_no": 1, "unit_price": "9000000"}], "shipping_cost": 0},
                {"prices": [{"line_no": True, "unit_price": 9_000_000}], "shipping_cost": 0},
                {"prices": [{"line_no": 1, "unit_price": 9_000_000}], "shipping_cost": False},
            ):
                refused = await h.client.post(
                    f"{base}/negotiation/proposals",
                    headers=official | {"Accept-Language": "id"},
                    json=body,
                )
                assert refused.status_code == 422, body
