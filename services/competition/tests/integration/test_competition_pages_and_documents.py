"""Acceptance: GET /competitions in pages; a purchase request's documents listed and downloaded."""

import base64
import hashlib
from datetime import timedelta
from uuid import uuid4

from .competition_steps import PDF, Buyers, accepted_request, ok, opened_competition


async def test_competitions_are_walked_page_by_page(service, tokens):
    client, buyers, category = service.client, Buyers(tokens), f"laptop-{uuid4().hex[:8]}"
    deadline = service.clock.now() + timedelta(days=2)
    created = set()
    for _ in range(3):
        request = await accepted_request(client, buyers, category)
        competition = await opened_competition(client, buyers, request["id"], category, deadline)
        created.add(competition["id"])

    first = ok(await client.get("/competitions?limit=2", headers=buyers.official))
    assert len(first["items"]) == 2 and first["next_cursor"]
    url = f"/competitions?limit=2&cursor={first['next_cursor']}"
    second = ok(await client.get(url, headers=buyers.official))
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    seen = [c["id"] for c in first["items"] + second["items"]]
    assert len(seen) == 3 and set(seen) == created  # no repeats, none missed

    other_unit = Buyers(tokens)  # another work unit's official sees none of them
    assert ok(await client.get("/competitions", headers=other_unit.official))["items"] == []
    broken = await client.get("/competitions?cursor=bm90LWEtY3Vyc29y", headers=buyers.official)
    assert broken.status_code == 422 and broken.headers["content-type"].startswith(
        "application/problem+json"
    )


async def upload(client, buyers, request_id, kind, name, content, media_type):
    files = {"file": (name, content, media_type)}
    url = f"/purchase-requests/{request_id}/documents"
    return ok(await client.post(url, data={"kind": kind}, files=files, headers=buyers.ppk), 201)


async def drafted(client, buyers) -> str:
    """A draft request (documents are attached while it is a draft)."""
    body = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": 50_000_000,
        "title": "Printers",
        "specification": "A4 laser",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [{"category": "printer", "description": "p", "quantity": 2, "unit": "unit"}],
    }
    return ok(await client.post("/purchase-requests", json=body, headers=buyers.ppk), 201)["id"]


async def test_uploaded_documents_download_as_the_same_bytes(service, tokens):
    client, buyers = service.client, Buyers(tokens)
    rid = await drafted(client, buyers)
    await upload(client, buyers, rid, "nota_dinas", "nota.pdf", PDF, "application/pdf")
    content = b"%PDF-1.7\n" + uuid4().bytes + b"\nspesifikasi teknis\n%%EOF\n"
    added = (
        await upload(client, buyers, rid, "specification", "spek.pdf", content, "application/pdf")
    )["document"]

    listed = ok(await client.get(f"/purchase-requests/{rid}/documents", headers=buyers.official))
    assert [d["kind"] for d in listed["items"]] == ["nota_dinas", "specification"]
    entry = listed["items"][1]
    assert entry["id"] == added["id"] and entry["href"].endswith(added["id"])

    url = f"/purchase-requests/{rid}/documents/{added['id']}"
    response = await client.get(url, headers=buyers.ppk)
    assert response.status_code == 200, response.text
    sha = hashlib.sha256(content).hexdigest()
    assert response.content == content and entry["sha256"] == sha
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="spek.pdf"' in response.headers["content-disposition"]
    assert response.headers["etag"] == f'"{sha}"'
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    assert response.headers["digest"] == f"sha-256={digest}"
    again = await client.get(url, headers=buyers.ppk | {"If-None-Match": f'"{sha}"'})
    assert again.status_code == 304 and again.content == b""

    for reader in (tokens.auditor(), tokens.admin()):
        assert (await client.get(url, headers=reader)).content == content


async def test_documents_follow_the_purchase_requests_rules(service, tokens):
    client, buyers = service.client, Buyers(tokens)
    request = await accepted_request(client, buyers, f"laptop-{uuid4().hex[:8]}")
    rid = request["id"]
    nota = request["documents"][0]
    url = f"/purchase-requests/{rid}/documents/{nota['id']}"
    assert (await client.get(url, headers=buyers.ppk)).content == PDF

    other = Buyers(tokens)  # another work unit: the request and its documents do not exist
    for path in (url, f"/purchase-requests/{rid}/documents"):
        refused = await client.get(path, headers=other.ppk)
        assert refused.status_code == 404, refused.text
    vendor = tokens.vendor(str(uuid4()))  # vendors never read purchase requests (403)
    assert (await client.get(f"/purchase-requests/{rid}", headers=vendor)).status_code == 403
    assert (await client.get(url, headers=vendor)).status_code == 403
    assert (
        await client.get(f"/purchase-requests/{rid}/documents", headers=vendor)
    ).status_code == 403

    # A document id of another request does not leak through this one.
    mine = await accepted_request(client, other, f"laptop-{uuid4().hex[:8]}")
    crossed = f"/purchase-requests/{mine['id']}/documents/{nota['id']}"
    assert (await client.get(crossed, headers=other.ppk)).status_code == 404
    unknown = f"/purchase-requests/{rid}/documents/{uuid4()}"
    assert (await client.get(unknown, headers=buyers.ppk)).status_code == 404
