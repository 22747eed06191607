"""Competition's e-mails on PostgreSQL and a real SMTP server (aiosmtpd): the official receives
one "your turn" e-mail when a purchase request is submitted (4), at the address the PPK gave or
at their own token's; with the fast calendar, the official's overdue turn gives one reminder;
two replicas (each with its scanner and its mail sender) send nothing twice."""

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from uuid import UUID, uuid4

from competition.app import create_app
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app

from .competition_steps import PDF, Buyers, ok

SECONDS_PER_DAY = 2.0


async def submitted(client, buyers: Buyers, official: dict) -> dict:
    """Steps 1–3: a draft with its nota dinas, sent to ``official``."""
    draft = {
        "rup_code": "RUP-2026-0042",
        "fiscal_year": 2026,
        "dpa_number": "DPA-1.02.01",
        "pagu": 100_000_000,
        "title": "Laptop Dinas Kesehatan",
        "specification": "14 inch, i5, 16 GB RAM",
        "delivery_address": "Jl. Kartini 1, Mojokerto",
        "delivery_date": "2026-04-30",
        "items": [{"category": "laptop", "description": "Laptop", "quantity": 2, "unit": "unit"}],
    }
    request = ok(await client.post("/purchase-requests", json=draft, headers=buyers.ppk), 201)
    rid = request["id"]
    files = {"file": ("nota-dinas.pdf", PDF, "application/pdf")}
    data = {"kind": "nota_dinas"}
    url = f"/purchase-requests/{rid}/documents"
    ok(await client.post(url, data=data, files=files, headers=buyers.ppk), 201)
    body = {"official": official}
    return ok(await client.post(f"/purchase-requests/{rid}/submit", json=body, headers=buyers.ppk))


async def received(catcher, address: str, count: int = 1, timeout: float = 15.0) -> list:
    async with asyncio.timeout(timeout):
        while len(catcher.to(address)) < count:
            await asyncio.sleep(0.05)
    return catcher.to(address)


async def history_of(client, request_id: str, headers: dict) -> list[dict]:
    return ok(await client.get(f"/procurements/{request_id}/history", headers=headers))


async def test_the_official_receives_one_email_at_the_address_the_ppk_gave(
    service, tokens, mail_catcher
):
    client, buyers = service.client, Buyers(tokens)
    address = f"sari.{uuid4().hex[:6]}@dinkes.example.go.id"
    official = {"id": buyers.official_id, "name": "Sari", "email": address}
    request = await submitted(client, buyers, official)

    [message] = await received(mail_catcher, address)
    assert message["Message-ID"].startswith(f"<purchase-request-{request['id']}-turn-")
    assert "Permintaan pembelian menunggu penerimaan Anda" in message["Subject"]
    body = message.get_content()
    assert "Yth. Sari" in body and "English:" in body
    assert f"https://epurchasing.contoh.go.id/purchase-requests/{request['id']}" in body

    async def sent_entry() -> list[dict]:
        history = await history_of(client, request["id"], buyers.ppk)
        return [h for h in history if h["action"] == "notification_sent"]

    async with asyncio.timeout(10):
        while not await sent_entry():
            await asyncio.sleep(0.05)
    [entry] = await sent_entry()
    assert (entry["sop_step"], entry["actor_id"]) == ("4", None)
    # The history names the role and the Message-ID, never the address: whoever may read the
    # history must not learn another actor's e-mail address from it.
    assert address not in entry["reason"]
    assert "sent to the procurement_official as <purchase-request-" in entry["reason"]
    await asyncio.sleep(0.5)  # the sender looks again: nothing more
    assert len(mail_catcher.to(address)) == 1


async def test_the_officials_token_gives_the_address_of_the_next_submission(
    service, tokens, mail_catcher
):
    client, buyers = service.client, Buyers(tokens)
    address = f"sari.{uuid4().hex[:6]}@dinkes.example.go.id"
    official = {"id": buyers.official_id, "name": "Sari"}  # no address given
    request = await submitted(client, buyers, official)
    rid = request["id"]
    with_claim = tokens.headers(
        "procurement_official",
        buyers.official_id,
        work_unit=buyers.work_unit,
        name="Sari",
        email=address,
    )
    ok(
        await client.post(
            f"/purchase-requests/{rid}/return", json={"reason": "revisi"}, headers=with_claim
        )
    )
    ok(
        await client.post(
            f"/purchase-requests/{rid}/submit", json={"official": official}, headers=buyers.ppk
        )
    )
    [message] = await received(mail_catcher, address)
    assert message["Message-ID"].startswith(f"<purchase-request-{rid}-turn-")

    async def failed_once() -> bool:
        history = await history_of(client, rid, buyers.ppk)
        return any(h["action"] == "notification_failed" for h in history)

    async with asyncio.timeout(10):
        while not await failed_once():
            await asyncio.sleep(0.05)
    history = await history_of(client, rid, buyers.ppk)
    [failed] = [h for h in history if h["action"] == "notification_failed"]
    assert "no e-mail address is known for the procurement_official" in failed["reason"]


async def test_an_overdue_turn_is_reminded_once_with_two_replicas(
    competition_settings, tokens, mail_catcher
):
    """The fast calendar (a working day lasts 2 s): the official does nothing at step 4; two
    replicas scan and send; the official gets one "your turn" e-mail and one reminder."""
    settings = competition_settings.model_copy(
        update={"calendar_seconds_per_working_day": SECONDS_PER_DAY, "overdue_scan_seconds": 0.2}
    )
    clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    buyers = Buyers(tokens)
    address = f"sari.{uuid4().hex[:6]}@dinkes.example.go.id"
    async with AsyncExitStack() as stack:
        first, second = [
            await stack.enter_async_context(running_app(create_app(settings, clock)))
            for _ in range(2)
        ]
        official = {"id": buyers.official_id, "name": "Sari", "email": address}
        request = await submitted(first, buyers, official)
        turn = request["turn"]
        assert (turn["sop_step"], turn["actor_role"]) == ("4", "procurement_official")
        await received(mail_catcher, address)  # the "your turn" e-mail
        clock.advance(seconds=SECONDS_PER_DAY + 1)  # the official's 1 working day is over
        messages = await received(mail_catcher, address, count=2)
        await asyncio.sleep(1.5)  # both replicas scan and send again and again
        shown = ok(await second.get(f"/purchase-requests/{request['id']}", headers=buyers.ppk))
        history = await history_of(second, request["id"], buyers.ppk)

    messages = mail_catcher.to(address)
    ids = [m["Message-ID"] for m in messages]
    assert len(ids) == 2 and len(set(ids)) == 2
    [reminder] = [m for m in messages if "-overdue-" in m["Message-ID"]]
    assert reminder["Message-ID"].startswith(f"<purchase-request-{request['id']}-overdue-")
    assert "Pengingat: langkah 4" in reminder["Subject"]
    assert shown["turn"]["overdue"] is True
    sent = [h for h in history if h["action"] == "notification_sent"]
    assert sorted(h["reason"].split(":")[0] for h in sent) == [
        "overdue_reminder to the procurement_official",
        "your_turn to the procurement_official",
    ]
    assert all(UUID(h["aggregate_id"]) == UUID(request["id"]) for h in sent)
