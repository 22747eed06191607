"""The documents uploaded in ordering (Surat Pesanan, addenda) are listed and downloadable by
whoever may see the package, and by nobody else (404); files are checked by their content."""

import hashlib
from uuid import UUID, uuid4

from .test_ordering_addenda import issue_order

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x00IEND\xaeB`\x82"
)


class TestPackageDocuments:
    async def test_every_reader_of_the_package_lists_and_downloads_its_documents(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event()
        vendor_id = UUID(event.data["vendor"]["id"])
        async with ordering_harness() as h:
            base = await issue_order(h, event)
            addendum = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=h.tokens.ppk(),
                files={"document": ("../../addendum.PNG", PNG, "image/png")},
                data={"reason": "tambah satu laptop", "line_no": ["1"], "quantity": ["11"]},
            )
            assert addendum.status_code == 200, addendum.text
            versions = addendum.json()["purchase_order"]["versions"]
            readers = {
                "ppk": h.tokens.ppk(),
                "official": h.tokens.official(),
                "vendor": h.tokens.vendor(vendor_id),
                "auditor": h.tokens.auditor(),
                "admin": h.tokens.admin(),
            }
            listed = {}
            for role, headers in readers.items():
                response = await h.client.get(f"{base}/documents", headers=headers)
                assert response.status_code == 200, (role, response.text)
                listed[role] = response.json()["items"]
            everything = listed["ppk"]
            assert all(found == everything for found in listed.values())
            # Each version's generated Surat Pesanan is listed beside what the PPK uploaded.
            generated = "purchase_order_generated"
            assert sorted(d["kind"] for d in everything) == sorted(
                ["purchase_order", generated, "addendum", generated]
            )
            items = [d for d in everything if d["kind"] != generated]
            assert [d["id"] for d in items] == [v["document_id"] for v in versions]
            assert items[1]["filename"] == "addendum.png"  # no path, the extension of its type

            for role, headers in readers.items():
                for item in items:
                    got = await h.client.get(item["href"], headers=headers)
                    assert got.status_code == 200, (role, got.text)
                    assert got.headers["etag"] == f'"{hashlib.sha256(got.content).hexdigest()}"'
                    assert got.headers["x-content-type-options"] == "nosniff"
                    assert got.headers["content-disposition"].startswith("attachment")
                    assert got.headers["content-type"].startswith(item["media_type"])
            cached = await h.client.get(
                items[0]["href"],
                headers=readers["vendor"] | {"If-None-Match": f'"{items[0]["sha256"]}"'},
            )
            assert cached.status_code == 304

            others = {
                "another vendor": h.tokens.vendor(uuid4()),
                "another work unit's PPK": h.tokens.ppk(work_unit="dishub"),
                "another work unit's official": h.tokens.official(work_unit="dishub"),
            }
            for who, headers in others.items():
                listing = await h.client.get(f"{base}/documents", headers=headers)
                assert listing.status_code == 404, who
                download = await h.client.get(items[0]["href"], headers=headers)
                assert download.status_code == 404, who
            unknown = await h.client.get(f"{base}/documents/{uuid4()}", headers=readers["ppk"])
            assert unknown.status_code == 404
            anonymous = await h.client.get(f"{base}/documents")
            assert anonymous.status_code == 401

    async def test_an_image_that_continues_as_html_is_refused(
        self, ordering_harness, make_package_event
    ):
        async with ordering_harness() as h:
            base = await issue_order(h, make_package_event())
            for name, content, media_type in (
                ("a.png", PNG + b"<html><script>alert(1)</script></html>", "image/png"),
                ("a.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>", "application/pdf"),
                ("a.jpg", b"\xff\xd8\xff\xe0<html></html>", "image/jpeg"),
            ):
                refused = await h.client.post(
                    f"{base}/purchase-order/addenda",
                    headers=h.tokens.ppk(),
                    files={"document": (name, content, media_type)},
                    data={"reason": "tambah satu laptop", "line_no": "1", "quantity": "11"},
                )
                assert refused.status_code == 422, (name, refused.text)
                assert refused.json()["errors"][0]["field"] == "document"
            listed = await h.client.get(f"{base}/documents", headers=h.tokens.ppk())
        kinds = sorted(d["kind"] for d in listed.json()["items"])
        assert kinds == ["purchase_order", "purchase_order_generated"]
