"""Issues 11–12 on the wire: strict input, bounded imports, sealed reads, the smaller gaps of
the time-standards issue (auditor's vendor directory, fiscal year, return reason, state
filters) and uploads checked by content."""

import json
from datetime import timedelta
from uuid import uuid4

import pytest

from .competition_steps import PDF, Buyers, accepted_request, ok, opened_competition
from .test_competition_bad_input import draft


def refused(response, field: str | None = None) -> dict:
    assert response.status_code == 422, response.text
    body = response.json()
    if field is not None:
        assert field in {e["field"] for e in body["errors"]}, body
    return body


class TestStrictTypes:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"pagu": "1000000"}, "pagu"),
            ({"pagu": True}, "pagu"),
            ({"pagu": 1_000_000.5}, "pagu"),
            ({"fiscal_year": "2026"}, "fiscal_year"),
            ({"delivery_date": 0}, "delivery_date"),
            ({"delivery_date": "1970-01-01"}, "delivery_date"),
            (
                {"items": [{"category": "c", "description": "d", "quantity": True, "unit": "u"}]},
                "items.0.quantity",
            ),
        ],
    )
    async def test_a_draft_refuses_loose_values(self, service, tokens, changes, field):
        answer = await service.client.post(
            "/purchase-requests", json=draft(**changes), headers=tokens.ppk()
        )
        refused(answer, field)

    @pytest.mark.parametrize("year", [1970, 2024, 2028, 2100])
    async def test_the_fiscal_year_is_the_current_one_give_or_take_one(self, service, tokens, year):
        answer = await service.client.post(
            "/purchase-requests", json=draft(fiscal_year=year), headers=tokens.ppk()
        )
        body = refused(answer, "fiscal_year")
        if 2000 < year < 2100:  # within the type's bounds: the domain names the window
            assert "2025" in body["detail"] and "2027" in body["detail"]

    @pytest.mark.parametrize("year", [2025, 2026, 2027])
    async def test_a_fiscal_year_in_the_window_is_accepted(self, service, tokens, year):
        answer = await service.client.post(
            "/purchase-requests", json=draft(fiscal_year=year), headers=tokens.ppk()
        )
        ok(answer, 201)
        assert answer.headers["Location"] == f"/purchase-requests/{answer.json()['id']}"
        assert answer.headers["ETag"] == '"1"'

    async def test_a_catalogue_price_as_text_is_refused(self, service, tokens):
        vendor = {"name": "CV Maju Jaya", "email": f"mj.{uuid4().hex[:6]}@vendor.example.id"}
        made = ok(
            await service.client.post("/catalogue/vendors", json=vendor, headers=tokens.admin()),
            201,
        )
        product = {
            "vendor_id": made["id"],
            "category": "laptop",
            "name": "Laptop",
            "unit": "unit",
            "unit_price": "12500000",
        }
        answer = await service.client.post(
            "/catalogue/products", json=product, headers=tokens.admin()
        )
        refused(answer, "unit_price")


class TestAuthenticationComesFirst:
    @pytest.mark.parametrize(
        "path",
        ["/competitions", "/purchase-requests", "/catalogue/products", "/catalogue/vendors"],
    )
    async def test_no_token_is_401_even_with_a_malformed_cursor_or_state(self, service, path):
        answer = await service.client.get(f"{path}?cursor=%%%garbage&state=nonsense&limit=0")
        assert answer.status_code == 401


class TestListFilters:
    async def test_competitions_filter_by_state(self, service, tokens):
        buyers = Buyers(tokens)
        category = f"laptop-{uuid4().hex[:6]}"
        first = await accepted_request(service.client, buyers, category)
        deadline = service.clock.now() + timedelta(days=2)
        opened = await opened_competition(service.client, buyers, first["id"], category, deadline)
        second = await accepted_request(service.client, buyers, category)
        body = {"purchase_request_id": second["id"], "kind": "specification", "category": category}
        drafted = ok(
            await service.client.post("/competitions", json=body, headers=buyers.official), 201
        )
        for state, expected in (("open", opened["id"]), ("draft", drafted["id"])):
            page = ok(
                await service.client.get(f"/competitions?state={state}", headers=buyers.official)
            )
            assert [c["id"] for c in page["items"]] == [expected]

    @pytest.mark.parametrize("path", ["/competitions", "/purchase-requests"])
    async def test_an_unknown_state_is_422(self, service, tokens, path):
        answer = await service.client.get(f"{path}?state=bogus", headers=tokens.admin())
        refused(answer, "state")


class TestSmallerGaps:
    async def test_the_auditor_reads_the_vendor_directory(self, service, tokens):
        ok(await service.client.get("/catalogue/vendors", headers=tokens.auditor()))
        ppk = await service.client.get("/catalogue/vendors", headers=tokens.ppk())
        assert ppk.status_code == 403

    async def test_the_return_reason_is_on_the_request(self, service, tokens):
        buyers, client = Buyers(tokens), service.client
        made = ok(await client.post("/purchase-requests", json=draft(), headers=buyers.ppk), 201)
        rid = made["id"]
        assert made["return_reason"] is None
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
        reason = {"reason": "Nota dinas belum ditandatangani"}
        returned = ok(
            await client.post(
                f"/purchase-requests/{rid}/return", json=reason, headers=buyers.official
            )
        )
        assert returned["state"] == "draft"
        assert returned["return_reason"] == "Nota dinas belum ditandatangani"
        read = ok(await client.get(f"/purchase-requests/{rid}", headers=buyers.ppk))
        assert read["return_reason"] == "Nota dinas belum ditandatangani"
        again = ok(await client.post(f"/purchase-requests/{rid}/submit", headers=buyers.ppk))
        assert again["state"] == "submitted" and again["return_reason"] is None

    async def test_a_competition_may_not_ask_for_more_than_the_request(self, service, tokens):
        buyers, category = Buyers(tokens), f"laptop-{uuid4().hex[:6]}"
        request = await accepted_request(service.client, buyers, category)
        body = {"purchase_request_id": request["id"], "kind": "specification", "category": category}
        made = ok(
            await service.client.post("/competitions", json=body, headers=buyers.official), 201
        )
        assert made["items"][0]["quantity"] == 10
        too_many = {"items": [made["items"][0] | {"quantity": 11}]}
        answer = await service.client.patch(
            f"/competitions/{made['id']}", json=too_many, headers=buyers.official
        )
        refused(answer, "items.0.quantity")
        indonesian = await service.client.patch(
            f"/competitions/{made['id']}",
            json=too_many,
            headers=buyers.official | {"Accept-Language": "id"},
        )
        assert "melebihi" in indonesian.json()["errors"][0]["message"]


class TestCatalogueImportBounds:
    async def test_a_deeply_nested_json_file_is_422_not_500(self, service, tokens):
        nested = b"[" * 100_000 + b"]" * 100_000
        files = {"file": ("rows.json", nested, "application/json")}
        answer = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
        body = refused(answer, "file")
        assert "nests deeper" in body["detail"]

    async def test_brackets_inside_strings_do_not_count(self, service, tokens):
        row = {
            "vendor_name": "CV [[[[[[[[[[ Maju",
            "vendor_email": f"mj.{uuid4().hex[:6]}@vendor.example.id",
            "category": f"laptop-{uuid4().hex[:6]}",
            "product_name": 'Laptop {{{{{{{{{{ "14"',
            "unit": "unit",
            "unit_price": 12_500_000,
        }
        files = {"file": ("rows.json", json.dumps({"rows": [row]}).encode(), "application/json")}
        answer = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
        assert ok(answer, 201) == {"vendors_created": 1, "products_created": 1}

    async def test_80000_bad_rows_give_50_errors_and_the_count(self, service, tokens):
        header = "vendor_name,vendor_email,category,product_name,unit,unit_price\n"
        rows = "".join(f"V,not-an-email-{i},c,P,u,1\n" for i in range(80_000))
        files = {"file": ("rows.csv", (header + rows).encode(), "text/csv")}
        answer = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
        body = refused(answer)
        assert len(body["errors"]) == 50 and body["error_count"] == 80_000
        assert body["errors"][0]["field"] == "rows.0.vendor_email"
        assert len(answer.content) < 20_000

    async def test_a_json_row_price_of_true_is_refused(self, service, tokens):
        row = {
            "vendor_name": "CV Maju Jaya",
            "vendor_email": f"mj.{uuid4().hex[:6]}@vendor.example.id",
            "category": "laptop",
            "product_name": "Laptop",
            "unit": "unit",
            "unit_price": True,
        }
        files = {"file": ("rows.json", json.dumps([row]).encode(), "application/json")}
        answer = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
        refused(answer, "rows.0.unit_price")

    async def test_a_large_import_is_written_in_batches(self, service, tokens):
        category = f"kertas-{uuid4().hex[:6]}"
        rows = [
            {
                "vendor_name": f"CV Maju Jaya {i % 7}",
                "vendor_email": f"mj{i % 7}.{category}@vendor.example.id",
                "category": category,
                "product_name": f"Kertas A4 {i}",
                "unit": "rim",
                "unit_price": 55_000 + i,
            }
            for i in range(2_500)
        ]
        files = {"file": ("rows.json", json.dumps(rows).encode(), "application/json")}
        answer = await service.client.post("/catalogue/import", files=files, headers=tokens.admin())
        assert ok(answer, 201) == {"vendors_created": 7, "products_created": 2_500}
        page = ok(
            await service.client.get(
                f"/catalogue/products?category={category}&limit=200", headers=tokens.auditor()
            )
        )
        assert len(page["items"]) == 200 and page["next_cursor"]


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82"
)


class TestUploadsByContent:
    async def upload(self, service, tokens, name, content, media_type):
        made = ok(
            await service.client.post("/purchase-requests", json=draft(), headers=tokens.ppk()),
            201,
        )
        return await service.client.post(
            f"/purchase-requests/{made['id']}/documents",
            data={"kind": "specification"},
            files={"file": (name, content, media_type)},
            headers=tokens.ppk(),
        )

    @pytest.mark.parametrize(
        ("content", "media_type"),
        [
            (PNG[:-12] + b"<html><script>alert(1)</script></html>", "image/png"),
            (PNG + b"<html><script>alert(1)</script></html>", "image/png"),
            (b"%PDF-1.4\n<html>no end</html>", "application/pdf"),
            (b"\xff\xd8\xff\xe0<html>", "image/jpeg"),
        ],
    )
    async def test_a_file_that_is_not_what_it_says_is_refused(
        self, service, tokens, content, media_type
    ):
        refused(await self.upload(service, tokens, "x.bin", content, media_type), "file")

    async def test_a_good_file_is_stored_under_a_safe_name(self, service, tokens):
        answer = await self.upload(service, tokens, "../../etc/spek teknis.html", PNG, "image/png")
        stored = ok(answer, 201)["document"]
        assert stored["filename"] == "spek teknis.png"
        assert answer.headers["Location"].endswith(f"/documents/{stored['id']}")
        download = await service.client.get(answer.headers["Location"], headers=tokens.ppk())
        assert download.status_code == 200
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment")
