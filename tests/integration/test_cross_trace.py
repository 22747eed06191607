"""One trace across services: the competition HTTP request that generates a package, the
ordering consumer that receives it, and the event ordering publishes next share a trace id
(W3C traceparent in the outbox row, the CloudEvent and the consumer's span)."""

from epurchasing_shared.testing.tracing import memory_exporter, trace_id_of

from .cross_steps import Buyers, accepted_request, add_vendor, offer, ok, opened_competition

exporter = memory_exporter()


async def test_one_trace_from_the_generating_request_through_ordering(system, exchange_spy):
    from datetime import timedelta

    buyers = Buyers(system.tokens)
    vendor = await add_vendor(system.competition, system.tokens, "CV Jejak", "laptop")
    request_id = (await accepted_request(system.competition, buyers, "laptop"))["id"]
    cid = await opened_competition(
        system.competition, buyers, request_id, "laptop", system.clock.now() + timedelta(days=2)
    )
    ok(
        await system.competition.post(
            f"/competitions/{cid}/offers", json=offer(vendor), headers=vendor.headers
        ),
        201,
    )
    system.clock.advance(days=3)
    for step in ("evaluate", "publish"):
        ok(await system.competition.post(f"/competitions/{cid}/{step}", headers=buyers.official))
    exporter.clear()
    done = ok(
        await system.competition.post(
            f"/competitions/{cid}/generate-package", headers=buyers.official
        )
    )
    package_id = str(done["package"]["package_id"])
    [request_span] = [
        s
        for s in exporter.get_finished_spans()
        if s.kind.name == "SERVER" and "generate-package" in s.name
    ]
    trace_id = format(request_span.context.trace_id, "032x")

    generated = await exchange_spy.wait_for(
        "competition.package_generated.v1", lambda e: e.data["package_id"] == package_id
    )
    assert trace_id_of(generated.traceparent) == trace_id
    received = await exchange_spy.wait_for(
        "ordering.package_received.v1", lambda e: e.data["package_id"] == package_id
    )
    assert trace_id_of(received.traceparent) == trace_id  # carried on by ordering's consumer
    consumer_spans = [
        s
        for s in exporter.get_finished_spans()
        if s.kind.name == "CONSUMER" and "ordering.on_package_generated" in s.name
    ]
    assert [format(s.context.trace_id, "032x") for s in consumer_spans] == [trace_id]
    # Its database work is in the trace too: the competition's load, sent to the driver
    # directly (direct.py), and the spine's writes at commit, as client spans under it.
    statements = [
        s.attributes.get("db.statement", "")
        for s in exporter.get_finished_spans()
        if s.kind.name == "CLIENT"
        and s.attributes.get("db.system") == "postgresql"
        and format(s.context.trace_id, "032x") == trace_id
    ]
    assert any(sql.startswith("SELECT competitions.") for sql in statements), statements
    assert any("INSERT INTO history" in sql for sql in statements), statements
