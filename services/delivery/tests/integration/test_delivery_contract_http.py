"""The API's contract over HTTP: 201 + Location for a new shipping entry or payment (each with
its own URL), strict form input, uploads checked by content and served as safe attachments,
authentication before input validation, Indonesian texts on ``Accept-Language: id``."""

import struct
import zlib

from delivery_flow import PDF, Order, in_state, pdf, publish, receive, ship, wait_until


def png(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
        + extra
    )


async def delivered(delivery, tokens, infrastructure, topology):
    client, order = delivery.client, Order()
    vendor = tokens.vendor(order.vendor_id)
    pid = order.procurement_id
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    await wait_until(client, vendor, pid, in_state("ready_for_preparation"))
    started = await client.post(f"/fulfilments/{pid}/start-preparation", headers=vendor)
    assert started.status_code == 200 and "Location" not in started.headers
    return order, vendor, pid


async def test_a_shipping_entry_is_created_at_its_own_url_and_input_is_strict(
    delivery, tokens, infrastructure, topology
):
    client = delivery.client
    _, vendor, pid = await delivered(delivery, tokens, infrastructure, topology)

    for field, value in (
        ("happened_at", "2026-01-01T23:00:00+07:00"),  # the day before the order (WIB)
        ("happened_at", "1767600000"),  # a Unix time is not RFC 3339
        ("happened_at", "1970-01-01T00:00:00Z"),
        ("courier", "JNE\r\nSet-Cookie: x=1"),
        ("courier", "J" * 101),
        ("note", "n" * 2001),
    ):
        refused = await ship(client, vendor, pid, "shipped", **{field: value})
        assert refused.status_code == 422, (field, value, refused.text)
        assert refused.json()["errors"][0]["field"].endswith(field)

    shipped = await ship(
        client,
        vendor,
        pid,
        "shipped",
        happened_at="2026-01-05T15:59:00+07:00",
        files={"document": ("C:\\surat\\..\\jalan.PNG", png(), "image/png")},
    )
    assert shipped.status_code == 201, shipped.text
    assert shipped.headers["Location"] == f"/fulfilments/{pid}/shipments/1"
    assert shipped.headers["ETag"] == f'"{shipped.json()["version"]}"'
    entry = await client.get(shipped.headers["Location"], headers=tokens.auditor())
    assert entry.status_code == 200
    assert (entry.json()["status"], entry.json()["courier"]) == ("shipped", "JNE")
    assert entry.json()["document"]["filename"] == "jalan.png"
    missing = await client.get(f"/fulfilments/{pid}/shipments/2", headers=vendor)
    assert missing.status_code == 404
    assert (await client.get(f"/fulfilments/{pid}/shipments/0", headers=vendor)).status_code == 422


async def test_bap_and_bast_are_checked_by_content_and_served_as_attachments(
    delivery, tokens, infrastructure, topology
):
    client = delivery.client
    _, vendor, pid = await delivered(delivery, tokens, infrastructure, topology)
    ppk = tokens.ppk()
    assert (await ship(client, vendor, pid, "shipped")).status_code == 201
    assert (await ship(client, vendor, pid, "delivered")).status_code == 201

    for name, content, media_type in (
        ("bap.png", png(b"<html><script>alert(1)</script></html>"), "image/png"),
        ("bap.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n<html>", "application/pdf"),
        ("bap.pdf", png(), "application/pdf"),
        ("bap.jpg", b"\xff\xd8\xff\xe0 no end", "image/jpeg"),
        ("bap.html", b"<html></html>", "text/html"),
        ("bap.pdf", b"", "application/pdf"),
    ):
        refused = await client.post(
            f"/fulfilments/{pid}/inspection",
            files={"bap": (name, content, media_type)},
            headers=ppk | {"Accept-Language": "id"},
        )
        assert refused.status_code == 422, (name, refused.text)
        [error] = refused.json()["errors"]
        assert error["field"] == "bap"
        assert refused.json()["detail"].startswith("berkas bap")

    inspected = await client.post(
        f"/fulfilments/{pid}/inspection",
        files={"bap": ("../../etc/<b>BAP<b>.pdf", PDF, "application/pdf")},
        headers=ppk,
    )
    assert inspected.status_code == 200 and "Location" not in inspected.headers
    document = inspected.json()["bap"]["document"]
    assert document["filename"] == "_b_BAP_b_.pdf"

    url = f"/fulfilments/{pid}/documents/{document['id']}"
    download = await client.get(url, headers=vendor)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == 'attachment; filename="_b_BAP_b_.pdf"'
    assert download.headers["etag"] == f'"{document["sha256"]}"'
    same = await client.get(url, headers=vendor | {"If-None-Match": download.headers["etag"]})
    assert same.status_code == 304 and not same.content

    handed = await receive(client, ppk, pid, "bast")
    assert handed.status_code == 200
    assert handed.json()["bast"]["document"]["filename"] == "bast.pdf"


async def test_no_token_is_401_before_any_input_is_looked_at(delivery, tokens):
    client = delivery.client
    assert (await client.get("/fulfilments?cursor=%%%not-a-cursor")).status_code == 401
    assert (await client.get("/fulfilments?limit=abc")).status_code == 401
    auditor = tokens.auditor()
    bad = await client.get("/fulfilments?cursor=bm90LWEtbGlzdA", headers=auditor)
    assert bad.status_code == 422
    unknown = Order().procurement_id
    missing = await client.get(
        f"/fulfilments/{unknown}", headers=auditor | {"Accept-Language": "id"}
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == f"pelaksanaan pesanan {unknown} tidak ditemukan"


async def test_a_payment_is_created_at_its_own_url(delivery, tokens, infrastructure, topology):
    client = delivery.client
    order, vendor, pid = await delivered(delivery, tokens, infrastructure, topology)
    ppk = tokens.ppk()
    assert (await ship(client, vendor, pid, "shipped")).status_code == 201
    assert (await ship(client, vendor, pid, "delivered")).status_code == 201
    assert (await receive(client, ppk, pid, "bap")).status_code == 200
    assert (await receive(client, ppk, pid, "bast")).status_code == 200
    files = {"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")}
    paid = await client.post(
        f"/fulfilments/{pid}/payments", data={"amount": str(order.total)}, files=files, headers=ppk
    )
    assert paid.status_code == 201 and paid.json()["state"] == "paid"
    assert paid.headers["Location"] == f"/fulfilments/{pid}/payments/1"
    again = await client.get(paid.headers["Location"], headers=vendor)
    assert again.status_code == 200 and again.json()["amount"] == order.total
