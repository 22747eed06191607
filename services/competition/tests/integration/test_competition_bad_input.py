"""Acceptance: a foreign cursor or an amount beyond the bounds is a 422 naming the field,
never a 500."""

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest

from .competition_steps import (
    Buyers,
    accepted_request,
    add_product,
    add_vendor,
    offer,
    ok,
    opened_competition,
)

TOO_MUCH_MONEY, TOO_MANY = 10**15 + 1, 10**9 + 1
BEYOND_INT64 = 2**63


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def refused(response, field: str) -> None:
    """422 problem+json whose errors name ``field``."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


FOREIGN = [["x"], ["not-a-uuid"], [], [1, 2], ["not-a-date", "not-a-uuid"], [None], {"a": 1}]


class TestForeignCursors:
    @pytest.mark.parametrize(
        "path", ["/purchase-requests", "/catalogue/products", "/catalogue/vendors", "/competitions"]
    )
    @pytest.mark.parametrize("values", FOREIGN)
    async def test_is_a_422_naming_the_cursor(self, service, tokens, path, values):
        headers = tokens.ppk() if path == "/purchase-requests" else tokens.admin()
        response = await service.client.get(
            path, params={"cursor": cursor(values)}, headers=headers
        )
        refused(response, "cursor")

    async def test_a_purchase_request_id_not_a_uuid_is_a_422_naming_it(self, service, tokens):
        response = await service.client.get(
            "/competitions", params={"purchase_request_id": "42"}, headers=tokens.admin()
        )
        refused(response, "purchase_request_id")

    @pytest.mark.parametrize("path", ["/catalogue/products", "/catalogue/vendors"])
    async def test_the_cursor_given_out_still_pages(self, service, tokens, path):
        for i in range(3):
            vendor = await add_vendor(service.client, tokens, f"Pager {i}")
            await add_product(service.client, tokens, vendor["id"], "pager", 1_000)
        first = ok(await service.client.get(f"{path}?limit=2", headers=tokens.admin()))
        after = {"cursor": first["next_cursor"], "limit": 2}
        second = ok(await service.client.get(path, params=after, headers=tokens.admin()))
        assert second["items"] and second["items"][0]["id"] > first["items"][-1]["id"]

    async def test_the_purchase_request_cursor_still_pages(self, service, tokens):
        buyers = Buyers(tokens)
        for _ in range(3):
            await accepted_request(service.client, buyers, "pager")
        first = ok(await service.client.get("/purchase-requests?limit=2", headers=buyers.ppk))
        after = {"cursor": first["next_cursor"], "limit": 2}
        second = ok(
            await service.client.get("/purchase-requests", params=after, headers=buyers.ppk)
        )
        ids = [r["id"] for r in first["items"] + second["items"]]
        assert len(ids) == len(set(ids)) == 3 and second["next_cursor"] is None


def draft(**changes):
    body = {
        "rup_code": "RUP-1",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1",
        "pagu": 1_000_000,
        "title": "t",
        "specification": "s",
        "delivery_address": "a",
        "delivery_date": "2026-04-30",
        "items": [{"category": "c", "description": "d", "quantity": 1, "unit": "unit"}],
    }
    return body | changes


class TestAmountsBeyondTheBounds:
    @pytest.mark.parametrize("pagu", [TOO_MUCH_MONEY, BEYOND_INT64])
    async def test_purchase_request_pagu(self, service, tokens, pagu):
        response = await service.client.post(
            "/purchase-requests", json=draft(pagu=pagu), headers=tokens.ppk()
        )
        refused(response, "pagu")

    async def test_purchase_request_pagu_at_the_bound_is_accepted(self, service, tokens):
        body = draft(pagu=10**15)
        ok(await service.client.post("/purchase-requests", json=body, headers=tokens.ppk()), 201)

    async def test_purchase_request_item_quantity(self, service, tokens):
        items = [{"category": "c", "description": "d", "quantity": TOO_MANY, "unit": "unit"}]
        response = await service.client.post(
            "/purchase-requests", json=draft(items=items), headers=tokens.ppk()
        )
        refused(response, "items.0.quantity")

    async def test_purchase_request_patch_pagu(self, service, tokens):
        made = ok(
            await service.client.post("/purchase-requests", json=draft(), headers=tokens.ppk()), 201
        )
        response = await service.client.patch(
            f"/purchase-requests/{made['id']}", json={"pagu": BEYOND_INT64}, headers=tokens.ppk()
        )
        refused(response, "pagu")

    async def test_catalogue_product_unit_price(self, service, tokens):
        vendor = await add_vendor(service.client, tokens, "Mahal")
        body = {
            "vendor_id": vendor["id"],
            "category": "c",
            "name": "n",
            "unit": "u",
            "unit_price": BEYOND_INT64,
        }
        response = await service.client.post(
            "/catalogue/products", json=body, headers=tokens.admin()
        )
        refused(response, "unit_price")

    async def test_catalogue_import_row_unit_price(self, service, tokens):
        row = {
            "vendor_name": "Mahal",
            "vendor_email": f"m.{uuid4().hex[:6]}@vendor.example.id",
            "category": "c",
            "product_name": "p",
            "unit": "u",
            "unit_price": TOO_MUCH_MONEY,
        }
        files = {"file": ("rows.json", json.dumps([row]).encode(), "application/json")}
        response = await service.client.post(
            "/catalogue/import", files=files, headers=tokens.admin()
        )
        refused(response, "rows.0.unit_price")

    async def test_competition_patch_pagu_and_quantity(self, service, tokens):
        buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
        request = await accepted_request(service.client, buyers, category)
        body = {"purchase_request_id": request["id"], "kind": "specification", "category": category}
        made = ok(
            await service.client.post("/competitions", json=body, headers=buyers.official), 201
        )
        url = f"/competitions/{made['id']}"
        patch = await service.client.patch(
            url, json={"pagu": BEYOND_INT64}, headers=buyers.official
        )
        refused(patch, "pagu")
        item = {"line_no": 1, "description": "d", "quantity": TOO_MANY, "unit": "unit"}
        patch = await service.client.patch(url, json={"items": [item]}, headers=buyers.official)
        refused(patch, "items.0.quantity")

    async def test_offer_unit_price_and_shipping_cost(self, service, tokens):
        buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
        vendor = await add_vendor(service.client, tokens, "Penawar")
        product = await add_product(service.client, tokens, vendor["id"], category, 8_000_000)
        request = await accepted_request(service.client, buyers, category)
        deadline = service.clock.now() + timedelta(days=2)
        competition = await opened_competition(
            service.client, buyers, request["id"], category, deadline
        )
        url, headers = f"/competitions/{competition['id']}/offers", tokens.vendor(vendor["id"])
        price = await service.client.post(
            url, json=offer(product["id"], (BEYOND_INT64, 1)), headers=headers
        )
        refused(price, "lines.0.unit_price")
        shipping = await service.client.post(
            url, json=offer(product["id"], (1, 1), shipping=BEYOND_INT64), headers=headers
        )
        refused(shipping, "shipping_cost")
        revised = await service.client.put(
            f"{url}/mine",
            json=offer(product["id"], (1, 1), shipping=TOO_MUCH_MONEY),
            headers=headers,
        )
        refused(revised, "shipping_cost")
