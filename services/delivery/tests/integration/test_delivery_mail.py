"""Delivery's e-mails on PostgreSQL and a real SMTP server (aiosmtpd): the PPK receives one
"your turn" e-mail when the vendor records the goods delivered (25), at the address ordering's
order_issued named; with the fast calendar, the PPK's overdue inspection gives one reminder;
two replicas (each with its scanner and its mail sender) send nothing twice."""

import asyncio
from contextlib import AsyncExitStack
from uuid import uuid4

from delivery_flow import Order, in_state, publish, ship, wait_until

from delivery.app import create_app
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app

SECONDS_PER_DAY = 2.0


async def received(catcher, address: str, count: int = 1, timeout: float = 15.0) -> list:
    async with asyncio.timeout(timeout):
        while len(catcher.to(address)) < count:
            await asyncio.sleep(0.05)
    return catcher.to(address)


async def delivered(client, tokens, infrastructure, topology, order: Order) -> dict:
    """Steps 21–25 as ordering's events and the vendor tell them."""
    ppk = tokens.ppk(work_unit=order.work_unit)
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    await wait_until(client, ppk, order.procurement_id, in_state("ready_for_preparation"))
    vendor = tokens.vendor(order.vendor_id)
    base = f"/fulfilments/{order.procurement_id}"
    assert (await client.post(f"{base}/start-preparation", headers=vendor)).status_code == 200
    assert (await ship(client, vendor, order.procurement_id, "shipped")).status_code == 201
    done = await ship(client, vendor, order.procurement_id, "delivered")
    assert done.status_code == 201, done.text
    return done.json()


async def test_the_ppk_receives_one_email_when_the_goods_are_delivered(
    delivery, tokens, infrastructure, topology, mail_catcher
):
    address = f"budi.{uuid4().hex[:6]}@dinkes.example.go.id"
    order = Order(work_unit=f"wu-{uuid4().hex[:8]}", ppk_email=address)
    shown = await delivered(delivery.client, tokens, infrastructure, topology, order)
    assert (shown["turn"]["sop_step"], shown["turn"]["actor_role"]) == ("26", "ppk")

    [message] = await received(mail_catcher, address)
    pid = order.procurement_id
    assert message["Message-ID"].startswith(f"<fulfilment-{pid}-turn-")
    assert "menunggu pemeriksaan Anda" in message["Subject"] and "SP-2026-001" in message["Subject"]
    body = message.get_content()
    assert "Yth. Budi (PPK)" in body and "English:" in body
    assert f"https://epurchasing.contoh.go.id/fulfilments/{pid}" in body

    ppk = tokens.ppk(work_unit=order.work_unit)

    async def sent_entries() -> list[dict]:
        response = await delivery.client.get(f"/procurements/{pid}/history", headers=ppk)
        return [h for h in response.json() if h["action"] == "notification_sent"]

    async with asyncio.timeout(10):
        while not await sent_entries():
            await asyncio.sleep(0.05)
    [entry] = await sent_entries()
    assert (entry["sop_step"], entry["actor_id"], entry["to_state"]) == ("26", None, "delivered")
    await asyncio.sleep(0.5)
    assert len(mail_catcher.to(address)) == 1  # nothing for the vendor's own shipping turns


async def test_the_ppks_overdue_inspection_is_reminded_once_with_two_replicas(
    delivery_settings, tokens, infrastructure, topology, mail_catcher
):
    settings = delivery_settings.model_copy(
        update={"calendar_seconds_per_working_day": SECONDS_PER_DAY, "overdue_scan_seconds": 0.2}
    )
    clock = FixedClock()
    address = f"budi.{uuid4().hex[:6]}@dinkes.example.go.id"
    order = Order(work_unit=f"wu-{uuid4().hex[:8]}", ppk_email=address)
    async with AsyncExitStack() as stack:
        first, second = [
            await stack.enter_async_context(running_app(create_app(settings, clock)))
            for _ in range(2)
        ]
        await delivered(first, tokens, infrastructure, topology, order)
        await received(mail_catcher, address)  # the "your turn" e-mail
        clock.advance(seconds=SECONDS_PER_DAY + 1)  # the PPK's 1 working day is over
        await received(mail_catcher, address, count=2)
        await asyncio.sleep(1.5)  # both replicas scan and send again and again
        ppk = tokens.ppk(work_unit=order.work_unit)
        shown = await second.get(f"/fulfilments/{order.procurement_id}", headers=ppk)

    ids = [m["Message-ID"] for m in mail_catcher.to(address)]
    assert len(ids) == 2 and len(set(ids)) == 2
    [reminder] = [m for m in mail_catcher.to(address) if "-overdue-" in m["Message-ID"]]
    assert reminder["Message-ID"].startswith(f"<fulfilment-{order.procurement_id}-overdue-")
    assert "Pengingat: langkah 26" in reminder["Subject"]
    assert shown.json()["turn"]["overdue"] is True
