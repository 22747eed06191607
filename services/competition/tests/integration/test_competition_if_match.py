"""Every state-changing route honours ``If-Match``: a stale version is a 412 problem+json
and changes nothing (no one overwrites changes they have not seen)."""

from datetime import timedelta
from uuid import uuid4

from .competition_steps import PDF, Buyers, add_product, add_vendor, offer, ok

STALE = {"If-Match": '"99"'}


def refused(response) -> None:
    assert response.status_code == 412, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_stale_if_match_is_refused_on_every_state_changing_route(service, tokens):
    client, clock = service.client, service.clock
    buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    vendor = await add_vendor(client, tokens, "Andalas")
    product = await add_product(client, tokens, vendor["id"], category, 8_000_000)
    seller = tokens.vendor(vendor["id"])
    ppk, official = buyers.ppk, buyers.official
    item = {"category": category, "description": "Laptop", "quantity": 10, "unit": "unit"}
    draft = {
        "rup_code": "RUP-1",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1",
        "pagu": 100_000_000,
        "title": "Laptops",
        "specification": "14 inch",
        "delivery_address": "Jl. Kartini 1",
        "delivery_date": "2026-04-30",
        "items": [item, item | {"description": "Lab laptop", "quantity": 2}],
    }
    rid = ok(await client.post("/purchase-requests", json=draft, headers=ppk), 201)["id"]
    path = f"/purchase-requests/{rid}"

    async def request_now():
        return ok(await client.get(path, headers=ppk))

    # Steps 2–4 on the purchase request.
    refused(await client.patch(path, json={"title": "x"}, headers=ppk | STALE))
    files = {"file": ("nota-dinas.pdf", PDF, "application/pdf")}
    form = {"kind": "nota_dinas"}
    refused(await client.post(f"{path}/documents", data=form, files=files, headers=ppk | STALE))
    assert (await request_now())["version"] == 1 and (await request_now())["documents"] == []
    ok(await client.post(f"{path}/documents", data=form, files=files, headers=ppk), 201)
    to_official = {"official": {"id": buyers.official_id, "name": "Sari"}}
    refused(await client.post(f"{path}/submit", json=to_official, headers=ppk | STALE))
    assert (await request_now())["state"] == "draft"
    ok(await client.post(f"{path}/submit", json=to_official, headers=ppk))
    refused(await client.post(f"{path}/accept", headers=official | STALE))
    refused(await client.post(f"{path}/return", json={"reason": "r"}, headers=official | STALE))
    assert (await request_now())["state"] == "submitted"
    ok(await client.post(f"{path}/accept", headers=official))

    # Steps 6–13 on the competition.
    body = {"purchase_request_id": rid, "kind": "specification", "category": category}
    cid = ok(await client.post("/competitions", json=body, headers=official), 201)["id"]
    cpath = f"/competitions/{cid}"

    async def competition_now():
        return ok(await client.get(cpath, headers=official))

    refused(await client.patch(cpath, json={"pagu": 90_000_000}, headers=official | STALE))
    opened = {"offer_deadline": (clock.now() + timedelta(days=2)).isoformat()}
    refused(await client.post(f"{cpath}/open", json=opened, headers=official | STALE))
    assert (await competition_now())["state"] == "draft"
    assert (await competition_now())["pagu"] == 100_000_000
    ok(await client.post(f"{cpath}/open", json=opened, headers=official))

    # Step 10: offers (submit: the competition's version; revise, withdraw: the revision).
    terms = offer(product["id"], (7_000_000, 7_000_000))
    refused(await client.post(f"{cpath}/offers", json=terms, headers=seller | STALE))
    board = ok(await client.get(f"{cpath}/leaderboard", headers=seller))
    assert board["my_offer"] is None
    ok(await client.post(f"{cpath}/offers", json=terms, headers=seller), 201)
    refused(await client.put(f"{cpath}/offers/mine", json=terms, headers=seller | STALE))
    refused(await client.delete(f"{cpath}/offers/mine", headers=seller | STALE))
    mine = ok(await client.get(f"{cpath}/leaderboard", headers=seller))["my_offer"]
    assert mine["revision"] == 1 and not mine["withdrawn"]
    ok(await client.put(f"{cpath}/offers/mine", json=terms, headers=seller | {"If-Match": "1"}))

    # Steps 11–13 after the deadline.
    clock.advance(days=3)
    refused(await client.post(f"{cpath}/evaluate", headers=official | STALE))
    assert (await competition_now())["state"] == "open"
    ok(await client.post(f"{cpath}/evaluate", headers=official))
    refused(await client.post(f"{cpath}/publish", headers=official | STALE))
    assert (await competition_now())["state"] == "evaluated:succeeded"
    version = (await competition_now())["version"]
    ok(await client.post(f"{cpath}/publish", headers=official | {"If-Match": f'"{version}"'}))
    refused(await client.post(f"{cpath}/generate-package", headers=official | STALE))
    after = await competition_now()
    assert after["state"] == "published" and after["package_id"] is None
