"""Steps of the SOP as HTTP calls, shared by the competition acceptance tests."""

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import aio_pika
import httpx

from epurchasing_shared.contracts.envelope import EventPayload, make_event
from epurchasing_shared.contracts.rating import VendorBlacklisted
from epurchasing_shared.testing.tokens import Tokens

PDF = b"%PDF-1.4\n% nota dinas\n%%EOF\n"
CATEGORY_PREFIX = "laptop"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


class Buyers:
    """A PPK and the official of one work unit (unique per test, so tests never mix)."""

    def __init__(self, tokens: Tokens) -> None:
        self.work_unit = f"dinkes-{uuid4().hex[:6]}"
        self.ppk_id, self.official_id = f"ppk-{self.work_unit}", f"official-{self.work_unit}"
        self.ppk = tokens.ppk(sub=self.ppk_id, work_unit=self.work_unit)
        self.official = tokens.official(sub=self.official_id, work_unit=self.work_unit)


async def add_vendor(client: httpx.AsyncClient, tokens: Tokens, name: str) -> dict[str, Any]:
    email = f"{name.lower().replace(' ', '.')}.{uuid4().hex[:6]}@vendor.example.id"
    body = {"name": name, "email": email}
    return ok(await client.post("/catalogue/vendors", json=body, headers=tokens.admin()), 201)


async def add_product(
    client: httpx.AsyncClient, tokens: Tokens, vendor_id: str, category: str, price: int
) -> dict[str, Any]:
    body = {
        "vendor_id": vendor_id,
        "category": category,
        "name": "Laptop 14 inch i5",
        "unit": "unit",
        "unit_price": price,
    }
    return ok(await client.post("/catalogue/products", json=body, headers=tokens.admin()), 201)


async def accepted_request(
    client: httpx.AsyncClient, buyers: Buyers, category: str, pagu: int = 100_000_000
) -> dict[str, Any]:
    """Steps 1–4: draft, nota dinas, submit to the official, accepted."""
    draft = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": pagu,
        "title": "Laptops for the health office",
        "specification": "14 inch, i5, 16 GB RAM",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [
            {
                "category": category,
                "description": "Laptop for staff",
                "quantity": 10,
                "unit": "unit",
            },
            {
                "category": category,
                "description": "Laptop for the lab",
                "quantity": 2,
                "unit": "unit",
            },
        ],
    }
    request = ok(await client.post("/purchase-requests", json=draft, headers=buyers.ppk), 201)
    rid = request["id"]
    files = {"file": ("nota-dinas.pdf", PDF, "application/pdf")}
    ok(
        await client.post(
            f"/purchase-requests/{rid}/documents",
            data={"kind": "nota_dinas"},
            files=files,
            headers=buyers.ppk,
        ),
        201,
    )
    official = {"official": {"id": buyers.official_id, "name": "Sari"}}
    ok(await client.post(f"/purchase-requests/{rid}/submit", json=official, headers=buyers.ppk))
    return ok(await client.post(f"/purchase-requests/{rid}/accept", headers=buyers.official))


async def opened_competition(
    client: httpx.AsyncClient, buyers: Buyers, request_id: str, category: str, deadline: datetime
) -> dict[str, Any]:
    """Steps 6–9: a specification competition of the category, open until ``deadline``."""
    body = {"purchase_request_id": request_id, "kind": "specification", "category": category}
    competition = ok(await client.post("/competitions", json=body, headers=buyers.official), 201)
    cid = competition["id"]
    ok(
        await client.patch(
            f"/competitions/{cid}", json={"pagu": 90_000_000}, headers=buyers.official
        )
    )
    opened = {"offer_deadline": deadline.isoformat()}
    return ok(await client.post(f"/competitions/{cid}/open", json=opened, headers=buyers.official))


def offer(product_id: str, prices: tuple[int, int], shipping: int = 500_000) -> dict[str, Any]:
    return {
        "lines": [
            {"line_no": 1, "product_id": product_id, "unit_price": prices[0]},
            {"line_no": 2, "product_id": product_id, "unit_price": prices[1]},
        ],
        "shipping_cost": shipping,
        "delivery_days": 7,
    }


async def publish_event(amqp_url: str, exchange: str, payload: EventPayload, **kw: Any) -> None:
    """Feed an incoming event as its producer would: a CloudEvent on the prefixed exchange."""
    event = kw.pop("event", None) or make_event(
        payload=payload, time=datetime.now(UTC), procurement_id=kw.pop("procurement_id", None), **kw
    )
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        target = await channel.get_exchange(exchange)
        await target.publish(
            aio_pika.Message(
                json.dumps(event.model_dump(mode="json", exclude_none=True)).encode(),
                message_id=str(event.id),
                content_type="application/cloudevents+json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key=event.type,
        )


def blacklisting(vendor_id: str, starts_on: date, ends_on: date | None = None) -> VendorBlacklisted:
    return VendorBlacklisted(
        entry_id=uuid4(),
        vendor_id=UUID(vendor_id),
        reason="falsified documents",
        decree_reference="SK-UKPBJ/7/2026",
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_at=datetime.now(UTC),
    )
