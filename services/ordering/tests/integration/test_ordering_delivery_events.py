"""Closing the loop: delivery's BAST ends addenda (24a) and its completion closes the package."""

import asyncio
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import aio_pika

from epurchasing_shared.contracts.common import Party, VendorRef
from epurchasing_shared.contracts.delivery import (
    DocumentReference,
    GoodsHandedOver,
    PackageCompleted,
)
from epurchasing_shared.contracts.envelope import Actor, CloudEvent, make_event

NOW = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)


async def acknowledged_order(h, event) -> tuple[str, dict]:
    """Steps 13–22 over HTTP: the package's purchase order, acknowledged by the vendor."""
    base = await h.approved_by_ppk(event)
    vendor = h.tokens.vendor(UUID(event.data["vendor"]["id"]))
    data = {"signatory": "Budi (PPK)", "terms": "Syarat umum"}
    issued = await h.client.post(
        f"{base}/purchase-order", headers=h.tokens.ppk(), files=h.pdf(), data=data
    )
    assert issued.status_code == 200, issued.text
    acknowledged = await h.client.post(f"{base}/purchase-order/acknowledge", headers=vendor)
    assert acknowledged.status_code == 200, acknowledged.text
    return base, issued.json()


def delivery_event(payload, procurement_id: UUID, step: str) -> CloudEvent:
    return make_event(
        service="delivery",
        payload=payload,
        procurement_id=procurement_id,
        time=NOW,
        actor=Actor(id="ppk-1", role="ppk"),
        sop_step=step,
    )


def handover(package_id: UUID, order_id: UUID) -> GoodsHandedOver:
    bast = DocumentReference(
        id=uuid4(),
        kind="bast",
        filename="bast.pdf",
        media_type="application/pdf",
        size=1234,
        sha256="0" * 64,
    )
    return GoodsHandedOver(package_id=package_id, order_id=order_id, bast=bast, handed_over_at=NOW)


def completion(package_id: UUID, order_id: UUID, vendor_id: UUID) -> PackageCompleted:
    return PackageCompleted(
        package_id=package_id,
        order_id=order_id,
        order_number="SP/dinkes/2026/0001",
        vendor=VendorRef(id=vendor_id, name="PT Sumber Makmur"),
        ppk=Party(id="ppk-1", name="Budi (PPK)"),
        work_unit="dinkes",
        order_total=106_500_000,
        promised_delivery_date=date(2026, 3, 1),
        actual_delivery_date=date(2026, 3, 1),
        on_time=True,
        completed_at=NOW,
    )


async def wait_for_state(h, base: str, state: str, timeout: float = 15.0) -> dict:
    async with asyncio.timeout(timeout):
        while True:
            body = (await h.client.get(base, headers=h.tokens.official())).json()
            if body["state"] == state:
                return body
            await asyncio.sleep(0.1)


async def dead_letters(amqp_url: str, topology) -> int:
    name = topology.dead_letter_queue(topology.queue("ordering", "on_delivery_events"))
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(name, passive=True)
        return queue.declaration_result.message_count or 0


def entries(history: list[dict], action: str) -> list[dict]:
    return [entry for entry in history if entry["action"] == action]


class TestDeliveryEvents:
    async def test_handover_ends_addenda_and_completion_closes_the_package_once(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event()
        procurement_id = UUID(event.data["purchase_request_id"])
        package_id, vendor_id = UUID(event.data["package_id"]), UUID(event.data["vendor"]["id"])
        async with ordering_harness() as h:
            base, issued = await acknowledged_order(h, event)
            order_id = UUID(issued["purchase_order"]["id"])

            handed = delivery_event(handover(package_id, order_id), procurement_id, "26")
            await h.publish(handed)
            at_bast = await wait_for_state(h, base, "handed_over")
            assert at_bast["allowed_actions"] == []
            assert at_bast["purchase_order"]["handed_over_at"] == NOW.isoformat()
            addendum = await h.client.post(
                f"{base}/purchase-order/addenda",
                headers=h.tokens.ppk(),
                files=h.pdf("add.pdf"),
                data={"reason": "tambah laptop", "quantities": '{"1": 11}'},
            )
            assert addendum.status_code == 409, addendum.text
            assert addendum.json()["current_state"] == "handed_over"

            # The same event again, and a replay of the same fact under a new event id.
            await h.publish(handed)
            await h.publish(delivery_event(handover(package_id, order_id), procurement_id, "26"))
            done = delivery_event(completion(package_id, order_id, vendor_id), procurement_id, "27")
            await h.publish(done)
            closed = await wait_for_state(h, base, "closed")
            assert closed["version"] == at_bast["version"] + 1
            await h.publish(done)
            await h.publish(
                delivery_event(completion(package_id, order_id, vendor_id), procurement_id, "27")
            )
            await asyncio.sleep(1)  # let the redeliveries pass through the consumer

            after = (await h.client.get(base, headers=h.tokens.official())).json()
            assert (after["state"], after["version"]) == ("closed", closed["version"])
            history = await h.history(procurement_id)
            (bast,) = entries(history, "record_handover")
            assert (bast["from_state"], bast["to_state"], bast["sop_step"]) == (
                "order_acknowledged",
                "handed_over",
                "26",
            )
            assert bast["actor_id"] == "ppk-1" and bast["documents"][0]["kind"] == "bast"
            (close,) = entries(history, "close")
            assert (close["from_state"], close["to_state"], close["sop_step"]) == (
                "handed_over",
                "closed",
                "27",
            )

    async def test_unknown_packages_and_orders_go_to_the_dead_letter_queue(
        self, ordering_harness, make_package_event, infrastructure, topology
    ):
        event = make_package_event()
        procurement_id = UUID(event.data["purchase_request_id"])
        package_id, vendor_id = UUID(event.data["package_id"]), UUID(event.data["vendor"]["id"])
        async with ordering_harness() as h:
            await h.publish(event)
            base = f"/packages/{package_id}"
            await h.wait_for_package(package_id)  # received: no purchase order yet
            before = await dead_letters(infrastructure.amqp_url, topology)
            unknown = completion(uuid4(), uuid4(), vendor_id)
            await h.publish(delivery_event(unknown, uuid4(), "27"))
            no_order = handover(package_id, uuid4())
            await h.publish(delivery_event(no_order, procurement_id, "26"))
            async with asyncio.timeout(15):
                while await dead_letters(infrastructure.amqp_url, topology) < before + 2:
                    await asyncio.sleep(0.1)
            package = (await h.client.get(base, headers=h.tokens.official())).json()
            assert package["state"] == "received"
