"""The catalogue import: all rows or none, with row-level errors."""

import json
from uuid import uuid4

from .competition_steps import ok


async def test_import_is_all_or_nothing_with_row_errors(service, tokens):
    category = f"printer-{uuid4().hex[:6]}"
    email = f"cetak.{uuid4().hex[:6]}@vendor.example.id"
    good = {
        "vendor_name": "Cetak",
        "vendor_email": email,
        "category": category,
        "product_name": "Printer A4",
        "unit": "unit",
        "unit_price": 2_500_000,
    }
    bad = good | {"unit_price": "free"}
    files = {"file": ("rows.json", json.dumps([good, bad]).encode(), "application/json")}
    refused = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "rows.1.unit_price"
    listed = ok(
        await service.client.get(f"/catalogue/products?category={category}", headers=tokens.admin())
    )
    assert listed["items"] == []
    header = ",".join(good)
    csv_body = f"{header}\n" + ",".join(str(v) for v in good.values()) + "\n"
    files = {"file": ("rows.csv", csv_body.encode(), "text/csv")}
    done = ok(
        await service.client.post("/catalogue/import", files=files, headers=tokens.admin()), 201
    )
    assert done == {"vendors_created": 1, "products_created": 1}
    listed = ok(
        await service.client.get(
            f"/catalogue/products?category={category}", headers=tokens.vendor(uuid4())
        )
    )
    assert [p["unit_price"] for p in listed["items"]] == [2_500_000]
