"""Helpers of the delivery integration tests: ordering's events, and the steps over HTTP."""

import asyncio
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import aio_pika
import httpx

from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.envelope import CONTENT_TYPE, Actor, CloudEvent, make_event
from epurchasing_shared.contracts.ordering import OrderAcknowledged, OrderAmended, OrderIssued
from epurchasing_shared.messaging.topology import Topology

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DEADLINE = date(2026, 1, 12)
PPK = Party(id="ppk-1", name="Budi (PPK)")


def pdf(name: str) -> tuple[str, bytes, str]:
    return (name, PDF, "application/pdf")


class Order:
    """One purchase order of ordering, as its events tell it."""

    def __init__(
        self, total: int = 1_000_000, work_unit: str = "dinkes", ppk_email: str | None = None
    ) -> None:
        self.ppk = PPK.model_copy(update={"email": ppk_email})  # ordering names it when known
        self.procurement_id = uuid4()
        self.package_id = uuid4()
        self.order_id = uuid4()
        self.vendor_id = uuid4()
        self.total = total
        self.work_unit = work_unit

    def _event(
        self, payload: Any, step: str, actor: Actor, at: datetime | None = None
    ) -> CloudEvent:
        return make_event(
            service="ordering",
            payload=payload,
            procurement_id=self.procurement_id,
            time=at or datetime.now(UTC),
            actor=actor,
            sop_step=step,
        )

    def lines(self, total: int) -> list[OrderLine]:
        goods = total - 50_000
        return [
            OrderLine(
                line_no=1,
                description="Masker",
                quantity=1,
                unit="box",
                unit_price=goods,
                line_total=goods,
            )
        ]

    def issued(self) -> CloudEvent:
        payload = OrderIssued(
            package_id=self.package_id,
            order_id=self.order_id,
            order_number="SP-2026-001",
            version=1,
            order_date=date(2026, 1, 2),
            work_unit=self.work_unit,
            ppk=self.ppk,
            vendor=VendorRef(id=self.vendor_id, name="CV Maju Jaya", email="sales@maju.example"),
            lines=self.lines(self.total),
            shipping_cost=50_000,
            total=self.total,
            pagu=1_200_000,
            delivery_address="Jl. Merdeka 1, Sleman",
            delivery_deadline=DEADLINE,
        )
        return self._event(payload, "21", Actor(id="ppk-1", role="ppk"))

    def acknowledged(self) -> CloudEvent:
        payload = OrderAcknowledged(
            package_id=self.package_id,
            order_id=self.order_id,
            order_number="SP-2026-001",
            version=1,
            acknowledged_at="2026-01-03T09:00:00+07:00",
        )
        return self._event(payload, "22", Actor(id=f"vendor-user-{self.vendor_id}", role="vendor"))

    def amended(self, version: int, total: int, at: datetime | None = None) -> CloudEvent:
        """The addendum ``version``, committed in ordering at ``at`` (the envelope's time)."""
        payload = OrderAmended(
            package_id=self.package_id,
            order_id=self.order_id,
            order_number="SP-2026-001",
            version=version,
            lines=self.lines(total),
            shipping_cost=50_000,
            total=total,
            delivery_deadline=DEADLINE,
            reason="tambah kuantitas",
        )
        return self._event(payload, "24a", Actor(id="ppk-1", role="ppk"), at)


async def publish(amqp_url: str, topology: Topology, *events: CloudEvent) -> None:
    """Publish CloudEvents as ordering's relay does: persistent, routing key = type."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(topology.exchange)
        for event in events:
            message = aio_pika.Message(
                event.model_dump_json(exclude_none=True).encode(),
                message_id=str(event.id),
                correlation_id=str(event.procurementid),
                content_type=CONTENT_TYPE,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(message, routing_key=event.type, mandatory=True)


async def wait_until(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    procurement_id: UUID,
    check: Any,
    timeout: float = 15.0,
) -> dict[str, Any]:
    """Poll GET /fulfilments/{id} until ``check(body)`` holds (consumers are asynchronous)."""
    deadline = asyncio.get_running_loop().time() + timeout
    body: Any = None
    while asyncio.get_running_loop().time() < deadline:
        response = await client.get(f"/fulfilments/{procurement_id}", headers=headers)
        body = response.json()
        if response.status_code == 200 and check(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"fulfilment {procurement_id} never matched; last: {body}")


def in_state(state: str) -> Any:
    return lambda body: body["state"] == state


async def ship(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    procurement_id: UUID,
    status: str,
    files: dict[str, Any] | None = None,
    **form: Any,
) -> httpx.Response:
    """POST one shipping-history entry (courier JNE unless the form says otherwise)."""
    data = {"status": status, "courier": "JNE", "tracking_number": "JNE123", **form}
    return await client.post(
        f"/fulfilments/{procurement_id}/shipments", data=data, files=files, headers=headers
    )


async def receive(
    client: httpx.AsyncClient, headers: dict[str, str], procurement_id: UUID, kind: str
) -> httpx.Response:
    """POST the inspection (BAP) or the handover (BAST)."""
    path, field = {"bap": ("inspection", "bap"), "bast": ("handover", "bast")}[kind]
    return await client.post(
        f"/fulfilments/{procurement_id}/{path}",
        files={field: pdf(f"{field}.pdf")},
        data={"note": f"{field} ok"},
        headers=headers,
    )


async def pay(
    client: httpx.AsyncClient, headers: dict[str, str], procurement_id: UUID, amount: int
) -> httpx.Response:
    return await client.post(
        f"/fulfilments/{procurement_id}/payments",
        data={"amount": str(amount)},
        files={"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")},
        headers=headers,
    )
