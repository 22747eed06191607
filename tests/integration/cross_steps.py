"""SOP steps as HTTP calls on the services of a :class:`System`, shared by the cross tests."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx

from epurchasing_shared.testing.tokens import Tokens

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PRICE = 8_000_000  # the catalogue price of every product here


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def pdf(name: str) -> tuple[str, bytes, str]:
    return (name, PDF, "application/pdf")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    """Poll ``check`` until it holds: consumers in other services act asynchronously."""
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


class Buyers:
    """The PPK and the official of one work unit, unique per test so tests never mix."""

    def __init__(self, tokens: Tokens) -> None:
        self.work_unit = f"dinkes-{uuid4().hex[:6]}"
        self.ppk_id, self.official_id = f"ppk-{self.work_unit}", f"official-{self.work_unit}"
        self.ppk = tokens.ppk(sub=self.ppk_id, work_unit=self.work_unit)
        self.official = tokens.official(sub=self.official_id, work_unit=self.work_unit)


class Vendor:
    """A catalogue vendor with one product of the category, and its user's token."""

    def __init__(self, record: dict[str, Any], product: dict[str, Any], tokens: Tokens) -> None:
        self.id, self.name, self.email = record["id"], record["name"], record["email"]
        self.product_id = product["id"]
        self.headers = tokens.vendor(self.id, sub=f"user-{self.id[:8]}")


async def add_vendor(
    competition: httpx.AsyncClient, tokens: Tokens, name: str, category: str
) -> Vendor:
    """Admin adds the vendor and one product of ``category`` to the catalogue."""
    email = f"{name.lower().replace(' ', '.')}.{uuid4().hex[:6]}@vendor.example.id"
    admin = tokens.admin()
    record = ok(
        await competition.post(
            "/catalogue/vendors", json={"name": name, "email": email}, headers=admin
        ),
        201,
    )
    body = {
        "vendor_id": record["id"],
        "category": category,
        "name": "Laptop 14 inch i5",
        "unit": "unit",
        "unit_price": PRICE,
    }
    product = ok(await competition.post("/catalogue/products", json=body, headers=admin), 201)
    return Vendor(record, product, tokens)


async def accepted_request(
    competition: httpx.AsyncClient, buyers: Buyers, category: str
) -> dict[str, Any]:
    """Steps 1–4: the PPK's draft with its nota dinas, submitted, accepted by the official."""
    draft = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": 100_000_000,
        "title": "Laptops for the health office",
        "specification": "14 inch, i5, 16 GB RAM",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [
            {"category": category, "description": "Laptop", "quantity": 10, "unit": "unit"},
            {"category": category, "description": "Laptop lab", "quantity": 2, "unit": "unit"},
        ],
    }
    request = ok(await competition.post("/purchase-requests", json=draft, headers=buyers.ppk), 201)
    rid = request["id"]
    ok(
        await competition.post(
            f"/purchase-requests/{rid}/documents",
            data={"kind": "nota_dinas"},
            files={"file": pdf("nota-dinas.pdf")},
            headers=buyers.ppk,
        ),
        201,
    )
    official = {"official": {"id": buyers.official_id, "name": "Sari"}}
    ok(
        await competition.post(
            f"/purchase-requests/{rid}/submit", json=official, headers=buyers.ppk
        )
    )
    return ok(await competition.post(f"/purchase-requests/{rid}/accept", headers=buyers.official))


async def opened_competition(
    competition: httpx.AsyncClient,
    buyers: Buyers,
    request_id: str,
    category: str,
    deadline: datetime,
) -> str:
    """Steps 6–9: a specification competition of the category, open until ``deadline``."""
    body = {"purchase_request_id": request_id, "kind": "specification", "category": category}
    created = ok(await competition.post("/competitions", json=body, headers=buyers.official), 201)
    cid = created["id"]
    ok(
        await competition.patch(
            f"/competitions/{cid}", json={"pagu": 90_000_000}, headers=buyers.official
        )
    )
    opened = {"offer_deadline": deadline.isoformat()}
    ok(await competition.post(f"/competitions/{cid}/open", json=opened, headers=buyers.official))
    return cid


def offer(vendor: Vendor, price: int = 7_000_000) -> dict[str, Any]:
    """An offer of both lines at ``price`` each, with shipping (step 10)."""
    return {
        "lines": [
            {"line_no": 1, "product_id": vendor.product_id, "unit_price": price},
            {"line_no": 2, "product_id": vendor.product_id, "unit_price": price},
        ],
        "shipping_cost": 500_000,
        "delivery_days": 7,
    }


async def run_competition(
    system: Any, buyers: Buyers, vendor: Vendor, request_id: str, category: str
) -> str:
    """Steps 6–13 with one offer: returns the generated package's id."""
    competition = system.competition
    cid = await opened_competition(
        competition, buyers, request_id, category, system.clock.now() + timedelta(days=2)
    )
    ok(
        await competition.post(
            f"/competitions/{cid}/offers", json=offer(vendor), headers=vendor.headers
        ),
        201,
    )
    system.clock.advance(days=3)
    for step in ("evaluate", "publish", "generate-package"):
        done = ok(await competition.post(f"/competitions/{cid}/{step}", headers=buyers.official))
    return str(done["package"]["package_id"])


async def package_in_ordering(
    system: Any, buyers: Buyers, package_id: str, state: str | None = None
) -> dict[str, Any]:
    """Wait until ordering has the package (and, if given, in ``state``); return it."""
    found: dict[str, Any] = {}

    async def arrived() -> bool:
        response = await system.ordering.get(f"/packages/{package_id}", headers=buyers.official)
        if response.status_code == 200:
            found.update(response.json())
        return response.status_code == 200 and (state is None or found["state"] == state)

    await eventually(arrived)
    return found


async def to_ppk(system: Any, buyers: Buyers, vendor: Vendor, package_id: str) -> str:
    """Steps 14, 18, 19 in ordering: processed (vendor e-mailed), approved, sent to the PPK."""
    base = f"/packages/{package_id}"
    for path, who in (
        (f"{base}/process", buyers.official),
        (f"{base}/approve", vendor.headers),
        (f"{base}/send-to-ppk", buyers.official),
    ):
        ok(await system.ordering.post(path, headers=who))
    return base
