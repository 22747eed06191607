"""A step and a read of one fulfilment load it with its children in one statement each,
counted on the real database: only the statements on delivery's own tables (the spine's,
history, turns, outbox, documents, idempotency, are the unit of work's and counted apart).

Before (one statement per child, a count, and a second read of the fulfilment for the answer):
``POST /fulfilments/{id}/shipments`` 9 statements on these tables, ``GET /fulfilments/{id}``
4 (and one on the turns), ordering's ``order_acknowledged`` consumed 4."""

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from delivery_flow import Order, in_state, publish, ship, wait_until

from delivery.adapters.repository import SqlFulfilments
from delivery.adapters.tables import fulfilments, payments, receipts_of_goods, shipment_entries
from delivery.app import create_app
from delivery.consumers.order_events import order_events_consumer
from delivery.domain.shipping import ShipmentStatus, ShippingEntry
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.direct import transaction
from epurchasing_shared.messaging.consumer import Verdict, consume_one
from epurchasing_shared.testing.app import running_app
from epurchasing_shared.testing.statements import statements

OWN = re.compile(
    r"\b({})\b".format(
        "|".join(t.name for t in (fulfilments, shipment_entries, payments, receipts_of_goods))
    )
)
# The fulfilment locked with its last entry and payment count; the entry; the save, which
# reads back the row with its entries, payments and receipts for the answer.
RECORD_SHIPMENT = 3
# The fulfilment the caller may see, with its open turn, entries, payments and receipts.
GET_FULFILMENT = 1
# The fulfilment locked (with its last entry and payment count), saved.
ACKNOWLEDGEMENT_CONSUMED = 2


def own(seen: list[str]) -> list[str]:
    return [statement for statement in seen if OWN.search(statement)]


@pytest.fixture
async def counted(delivery_settings) -> AsyncIterator[tuple]:
    app = create_app(delivery_settings, FixedClock())
    async with running_app(app) as client:
        yield client, app.state.runtime.engine, app.state.unit_of_work


async def shipping(client, tokens, infrastructure, topology) -> tuple[Order, dict[str, str]]:
    """A fulfilment in preparation, with one shipping entry."""
    order = Order()
    vendor = tokens.vendor(order.vendor_id)
    await publish(infrastructure.amqp_url, topology, order.issued(), order.acknowledged())
    await wait_until(client, vendor, order.procurement_id, in_state("ready_for_preparation"))
    started = await client.post(
        f"/fulfilments/{order.procurement_id}/start-preparation", headers=vendor
    )
    assert started.status_code == 200, started.text
    assert (await ship(client, vendor, order.procurement_id, "packed")).status_code == 201
    return order, vendor


async def test_a_shipping_entry_and_a_fulfilment_read_cost_few_statements(
    counted, tokens, infrastructure, topology
):
    client, engine, _ = counted
    order, vendor = await shipping(client, tokens, infrastructure, topology)
    pid = order.procurement_id

    with statements(engine) as written:
        recorded = await ship(client, vendor, pid, "shipped")
    with statements(engine) as read:
        got = await client.get(f"/fulfilments/{pid}", headers=vendor)

    assert recorded.status_code == 201, recorded.text
    assert got.status_code == 200, got.text
    assert len(own(written)) == RECORD_SHIPMENT, own(written)
    assert len(read) == GET_FULFILMENT, read  # the turn included: no statement but this one
    # The step's answer is the detail a read gives (the open turn is the vendor's, 25).
    assert recorded.json() == got.json()
    assert [s["status"] for s in got.json()["shipments"]] == ["packed", "shipped"]
    assert got.json()["turn"]["sop_step"] == "25"
    assert got.json()["shipments"][1]["recorded_at"].endswith("Z")  # as asyncpg reads it


async def test_a_load_that_waited_for_a_change_sees_what_the_change_added(
    counted, tokens, infrastructure, topology
):
    """In READ COMMITTED one statement that waited for the fulfilment's lock reads its other
    tables as they were before the wait: the load notices and reads again, lock held."""
    client, engine, _ = counted
    order, _ = await shipping(client, tokens, infrastructure, topology)
    pid, clock = order.procurement_id, FixedClock()
    entry = ShippingEntry(
        status=ShipmentStatus.SHIPPED,
        happened_at=datetime.now(UTC),
        courier="JNE",
        tracking_number="JNE9",
        note=None,
    )
    # Transactions as the unit of work holds them, on the driver connection (direct.py).
    async with engine.connect() as first, engine.connect() as second, transaction(second):
        with statements(engine) as seen:
            async with transaction(first):
                changing = SqlFulfilments(first, clock)
                fulfilment = await changing.get_for_update(pid)
                assert fulfilment is not None and fulfilment.shipment_count == 1
                await changing.add_shipment_entry(
                    pid, 2, entry, document=None, recorded_by="v", recorded_at=datetime.now(UTC)
                )
                fulfilment.version += 1
                await changing.save(fulfilment)
                change = len(seen)
                waiting = asyncio.create_task(SqlFulfilments(second, clock).get_for_update(pid))
                await asyncio.sleep(0.3)
                assert not waiting.done()  # the lock is held
            loaded = await waiting  # the change committed: the load goes on
        seen = seen[change:]  # the waiting load's own
    assert loaded is not None
    assert loaded.version == fulfilment.version
    assert loaded.shipment_count == 2 and loaded.last_entry is not None
    assert loaded.last_entry.status is ShipmentStatus.SHIPPED
    assert len(seen) == 2  # the stale read, and the one after the wait

    async with engine.connect() as alone, transaction(alone):
        with statements(engine) as seen:
            assert (await SqlFulfilments(alone, clock).get_for_update(pid)) is not None
    assert len(seen) == 1  # no wait, one statement


async def test_a_consumed_acknowledgement_loads_the_fulfilment_once(
    counted, tokens, infrastructure, topology
):
    """The consumer's unit of work, driven in this task (``consume_one``) to be counted."""
    client, engine, unit_of_work = counted
    order = Order()
    vendor = tokens.vendor(order.vendor_id)
    await publish(infrastructure.amqp_url, topology, order.issued())
    await wait_until(client, vendor, order.procurement_id, in_state("awaiting_acknowledgement"))
    spec = order_events_consumer(unit_of_work, grace_seconds=0)
    body = order.acknowledged().model_dump_json(exclude_none=True).encode()

    with statements(engine) as seen:
        verdict = await consume_one(spec, body, deliveries_before=0, limit=3)

    assert verdict is Verdict.APPLIED
    assert len(own(seen)) == ACKNOWLEDGEMENT_CONSUMED, own(seen)
    await wait_until(client, vendor, order.procurement_id, in_state("ready_for_preparation"))
