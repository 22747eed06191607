"""One trace across the spine: the span that records an event, the relay, the consumer that
applies it, and the event the consumer records next all share one trace id."""

import asyncio

from opentelemetry import trace
from sqlalchemy import select

from epurchasing_shared.clock import SystemClock
from epurchasing_shared.contracts.rating import VendorBlacklistLifted
from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec, consumer_broker, register_consumer
from epurchasing_shared.persistence import SqlUnitOfWork
from epurchasing_shared.testing.tracing import memory_exporter

from .conftest import BLACKLIST_TYPES, SpineDb, blacklisted
from .test_spine_outbox_inbox import relay_for

exporter = memory_exporter()


def unit_of_work(db: SpineDb):
    def make(caller: Caller) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            service="spine_test",
            clock=SystemClock(),
            caller=caller,
            sessions=db.sessions,
            spine=db.spine,
            store=DocumentStore("var/documents/spine_test"),
        )

    return make


async def test_the_consumer_continues_the_trace_and_carries_it_on(
    infrastructure, spine_db: SpineDb, spine_topology
):
    follow_up = asyncio.get_running_loop().create_future()

    async def lift_it(uow: SqlUnitOfWork, event, payload) -> None:
        lifted = VendorBlacklistLifted(
            entry_id=payload.entry_id,
            vendor_id=payload.vendor_id,
            reason="decree revoked",
            lifted_at=payload.recorded_at,
        )
        recorded = await uow.record(lifted, procurement_id=None, sop_step="11b", subject="v")
        follow_up.set_result(recorded.id)

    spec = ConsumerSpec(
        "spine_test", "on_blacklist", {BLACKLIST_TYPES[0]: lift_it}, unit_of_work(spine_db)
    )
    broker = consumer_broker(infrastructure.amqp_url)
    register_consumer(broker, spec=spec, topology=spine_topology)
    await broker.start()
    relay = relay_for(spine_db, spine_topology, infrastructure.amqp_url)
    try:
        tracer = trace.get_tracer("test")
        with tracer.start_as_current_span("POST /blacklist") as request_span:
            async with unit_of_work(spine_db)(Caller()) as uow:
                first = blacklisted("ok")
                await uow._add_event(first)
        trace_id = format(request_span.get_span_context().trace_id, "032x")
        await relay.publish_pending()
        async with asyncio.timeout(15):
            next_id = await follow_up
        outbox = spine_db.spine.outbox
        # The handler named the event inside its transaction: wait for that commit.
        async with asyncio.timeout(15):
            while True:
                async with spine_db.sessions() as session:
                    query = select(outbox.c.event_id).where(outbox.c.event_id == next_id)
                    if await session.scalar(query) is not None:
                        break
                await asyncio.sleep(0.05)
        async with spine_db.sessions() as session:
            rows = dict(
                (
                    await session.execute(
                        select(outbox.c.event_id, outbox.c.traceparent).where(
                            outbox.c.event_id.in_([first.id, next_id])
                        )
                    )
                ).all()
            )
            envelope = await session.scalar(
                select(outbox.c.envelope).where(outbox.c.event_id == next_id)
            )
        assert rows[first.id].split("-")[1] == trace_id
        assert rows[next_id].split("-")[1] == trace_id  # carried on by the consumer
        assert envelope["traceparent"] == rows[next_id]  # the CloudEvents extension
        consumer_spans = [s for s in exporter.get_finished_spans() if s.kind.name == "CONSUMER"]
        assert any(format(s.context.trace_id, "032x") == trace_id for s in consumer_spans)
    finally:
        await relay.close()
        await broker.stop()
