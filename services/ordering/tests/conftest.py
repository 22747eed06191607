"""Fixtures of the ordering tests: the app on the real broker and database, a local SMTP
server (aiosmtpd) on a free port, and helpers to publish competition's package event."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import aio_pika
import httpx
import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.competition import PackageGenerated
from epurchasing_shared.contracts.envelope import CONTENT_TYPE, Actor, CloudEvent, make_event
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.infrastructure import Infrastructure
from epurchasing_shared.testing.mail import MailCatcher
from epurchasing_shared.testing.tokens import Tokens
from ordering.app import create_app
from ordering.settings import OrderingSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WORK_UNIT = "dinkes"


def package_event(
    *,
    pagu: int = 130_000_000,
    vendor_id: UUID | None = None,
    package_id: UUID | None = None,
    procurement_id: UUID | None = None,
) -> CloudEvent:
    """A competition.package_generated.v1 of two lines: 10 laptops and 2 printers."""
    vendor_id = vendor_id or uuid4()
    lines = [
        OrderLine(
            line_no=1,
            description="Laptop 14 inci",
            quantity=10,
            unit="unit",
            unit_price=10_000_000,
            line_total=100_000_000,
        ),
        OrderLine(
            line_no=2,
            description="Printer laser",
            quantity=2,
            unit="unit",
            unit_price=3_000_000,
            line_total=6_000_000,
        ),
    ]
    procurement_id = procurement_id or uuid4()
    payload = PackageGenerated(
        package_id=package_id or uuid4(),
        purchase_request_id=procurement_id,
        competition_id=uuid4(),
        offer_id=uuid4(),
        title="Pengadaan laptop Dinas Kesehatan",
        rup_code="RUP-2026-0042",
        fiscal_year=2026,
        work_unit=WORK_UNIT,
        ppk=Party(id="ppk-1", name="Budi (PPK)"),
        official=Party(id="official-1", name="Sari (Pejabat Pengadaan)"),
        vendor=VendorRef(
            id=vendor_id,
            name="PT Sumber Makmur",
            email=f"sales-{vendor_id.hex[:8]}@sumbermakmur.example",
        ),
        lines=lines,
        shipping_cost=500_000,
        subtotal=106_000_000,
        total=106_500_000,
        pagu=pagu,
        delivery_address="Jl. Merdeka 1, Kabupaten Contoh",
        delivery_deadline=date(2026, 3, 1),
    )
    return make_event(
        service="competition",
        payload=payload,
        procurement_id=procurement_id,
        time=FixedClock().now(),
        actor=Actor(id="official-1", role="procurement_official"),
        sop_step="13",
    )


@dataclass
class Harness:
    client: httpx.AsyncClient
    clock: FixedClock
    catcher: MailCatcher
    tokens: Tokens
    publish: Callable[[CloudEvent], Any]
    settings: OrderingSettings
    app: Any = None
    seen: list[str] = field(default_factory=list)

    async def wait_for_package(self, package_id: UUID, timeout: float = 15.0) -> dict:
        """GET the package as the official until the consumer has created it."""
        for _ in range(int(timeout / 0.1)):
            response = await self.client.get(
                f"/packages/{package_id}", headers=self.tokens.official()
            )
            if response.status_code == 200:
                return response.json()
            await asyncio.sleep(0.1)
        raise AssertionError(f"package {package_id} never arrived")

    async def approved_by_ppk(self, event: CloudEvent) -> str:
        """Steps 13–20 over HTTP without negotiating: ``event``'s package received, processed,
        approved by its vendor, sent to the PPK and approved; the package's path."""
        await self.publish(event)
        package_id = UUID(event.data["package_id"])
        await self.wait_for_package(package_id)
        base = f"/packages/{package_id}"
        vendor = self.tokens.vendor(UUID(event.data["vendor"]["id"]))
        official, ppk = self.tokens.official(), self.tokens.ppk()
        for path, who in (
            ("process", official),
            ("approve", vendor),
            ("send-to-ppk", official),
            ("ppk-approve", ppk),
        ):
            response = await self.client.post(f"{base}/{path}", headers=who)
            assert response.status_code == 200, response.text
        return base

    async def history(self, procurement_id: UUID) -> list[dict]:
        response = await self.client.get(
            f"/procurements/{procurement_id}/history", headers=self.tokens.auditor()
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def post(self, path: str, headers: dict, **kwargs: Any) -> httpx.Response:
        return await self.client.post(path, headers=headers, **kwargs)

    def pdf(self, name: str = "sp.pdf") -> dict:
        return {"document": (name, PDF, "application/pdf")}


@pytest.fixture
def ordering_harness(
    infrastructure: Infrastructure,
    topology: Topology,
    service_database: Any,
    tokens: Tokens,
    tmp_path: Path,
) -> Callable[..., AbstractAsyncContextManager[Harness]]:
    """``async with ordering_harness(smtp_up=True, **settings) as h:`` runs the app and the SMTP
    server."""

    @asynccontextmanager
    async def make(smtp_up: bool = True, **overrides: Any) -> AsyncIterator[Harness]:
        clock = FixedClock()
        catcher = MailCatcher()
        settings = OrderingSettings(
            database_url=await service_database("ordering", MIGRATIONS),
            topology_prefix=topology.prefix,
            amqp_url=infrastructure.amqp_url,
            delivery_limit=topology.delivery_limit,
            document_root=str(tmp_path / "documents"),
            outbox_poll_seconds=0.5,
            smtp_port=catcher.port,
            smtp_timeout_seconds=3,
            mail_poll_seconds=0.1,
            mail_backoff_seconds=60,
            public_base_url="https://epurchasing.contoh.go.id",
        )
        settings = settings.model_copy(update=overrides)
        connection = await aio_pika.connect(infrastructure.amqp_url)
        channel = await connection.channel()
        exchange = await channel.get_exchange(topology.exchange)

        async def publish(event: CloudEvent) -> None:
            message = aio_pika.Message(
                body=event.model_dump_json().encode(),
                content_type=CONTENT_TYPE,
                message_id=str(event.id),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            await exchange.publish(message, routing_key=event.type)

        if smtp_up:
            catcher.start()
        try:
            app = create_app(settings, clock)
            async with running_app(app) as client:
                yield Harness(client, clock, catcher, tokens, publish, settings, app)
        finally:
            catcher.stop()
            await connection.close()

    return make


@pytest.fixture
def make_package_event() -> Callable[..., CloudEvent]:
    """``make_package_event(pagu=..., vendor_id=...)``: a competition.package_generated.v1."""
    return package_event


@pytest.fixture(scope="session")
async def topology(topology_factory):
    """This service's tests get exchanges and queues of their own: events other services'
    tests publish never reach its consumers, nor its events theirs."""
    return await topology_factory("ordering")
