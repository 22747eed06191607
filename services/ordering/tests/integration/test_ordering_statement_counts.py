"""A step and a read of one package load the aggregate (package, rounds, order, versions) in
one statement and write back only what changed, counted on the real database: for a step only
the statements on ordering's own tables (the spine's, history, turns, outbox, documents,
idempotency, are the unit of work's and counted apart); for ``GET /packages/{id}``, which the
actors poll, every statement (it has no BEGIN or COMMIT: a GET runs in autocommit).

Before (the package, its rounds, its order and its versions read one by one; every round and
version written again at each save): ``POST /packages/{id}/purchase-order`` 10 statements on
these tables, the acknowledgement 9, ``GET /packages/{id}`` 5 (7 with its open turn). Then,
before the view read the package's open turn and step-15 e-mail with it, ``GET`` was 3
statements (the aggregate, its open turn, its e-mail), whatever the package held."""

import asyncio
import re
from datetime import UTC, datetime
from uuid import UUID, uuid4

from epurchasing_shared.direct import transaction
from epurchasing_shared.testing.statements import statements
from ordering.adapters.packages import SqlPackages
from ordering.adapters.tables import (
    negotiation_rounds,
    order_number_counters,
    order_versions,
    packages,
    purchase_orders,
    vendor_emails,
)
from ordering.domain.negotiation import NegotiationRound, PriceSet, RoundStatus

OWN = re.compile(
    r"\b({})\b".format(
        "|".join(
            table.name
            for table in (
                packages,
                negotiation_rounds,
                purchase_orders,
                order_versions,
                order_number_counters,
                vendor_emails,
            )
        )
    )
)
# The package locked with its rounds, order and versions; the order number; the PPK's
# "your turn" e-mail to the vendor; the package row, the new order and its version 1; the
# step-15 e-mail shown in the answer.
ISSUE_ORDER = 7
# The load; the package row and the order (acknowledged); the step-15 e-mail.
ACKNOWLEDGE = 4
# Every statement: the package with its rounds, order, versions, open turn and step-15 e-mail.
GET_PACKAGE = 1

PROPOSAL = {
    "prices": [{"line_no": 1, "unit_price": 9_800_000}, {"line_no": 2, "unit_price": 3_000_000}],
    "shipping_cost": 500_000,
}


def own(seen: list[str]) -> list[str]:
    return [statement for statement in seen if OWN.search(statement)]


async def test_the_order_steps_and_a_package_read_cost_few_statements(
    ordering_harness, make_package_event
):
    event = make_package_event()
    package_id = UUID(event.data["package_id"])
    vendor_id = UUID(event.data["vendor"]["id"])
    async with ordering_harness() as h:
        engine = h.app.state.runtime.engine
        await h.publish(event)
        await h.wait_for_package(package_id)
        vendor, official, ppk = h.tokens.vendor(vendor_id), h.tokens.official(), h.tokens.ppk()
        base = f"/packages/{package_id}"
        steps = [
            ("process", official, None),
            ("negotiation/proposals", official, PROPOSAL),
            ("negotiation/proposals/1/accept", vendor, None),
            ("approve", vendor, None),
            ("send-to-ppk", official, None),
            ("ppk-approve", ppk, None),
        ]
        for path, who, body in steps:
            response = await h.client.post(f"{base}/{path}", headers=who, json=body)
            assert response.status_code == 200, response.text
        with statements(engine) as issuing:
            issued = await h.client.post(
                f"{base}/purchase-order",
                headers=ppk,
                files=h.pdf(),
                data={"signatory": "Budi, S.T. (PPK)", "terms": "Pembayaran setelah BAST."},
            )
        with statements(engine) as acknowledging:
            acknowledged = await h.client.post(f"{base}/purchase-order/acknowledge", headers=vendor)
        with statements(engine) as reading:
            got = await h.client.get(base, headers=vendor)

    assert issued.status_code == 200, issued.text
    assert acknowledged.status_code == 200, acknowledged.text
    assert got.status_code == 200, got.text
    assert len(own(issuing)) == ISSUE_ORDER, own(issuing)
    assert len(own(acknowledging)) == ACKNOWLEDGE, own(acknowledging)
    assert len(reading) == GET_PACKAGE, reading
    # What was written once is read back whole: the round, the order and its version.
    body = got.json()
    assert body == acknowledged.json()
    assert [r["status"] for r in body["negotiation"]] == ["accepted"]
    assert [v["version"] for v in body["purchase_order"]["versions"]] == [1]
    assert body["purchase_order"]["acknowledged_at"] is not None


async def test_a_package_read_is_one_statement_and_shows_what_an_answer_shows(
    ordering_harness, make_package_event
):
    """``GET /packages/{id}`` with and without an e-mail, rounds and an open turn, and for
    a vendor it is not for (404): one statement each; what it shows of the package, its open
    turn and its e-mail is what the action's answer showed (read another way: its own turn
    writes and e-mail, ``views.package_detail``)."""
    event = make_package_event()
    package_id = UUID(event.data["package_id"])
    vendor_id = UUID(event.data["vendor"]["id"])
    async with ordering_harness() as h:
        engine = h.app.state.runtime.engine
        await h.publish(event)
        await h.wait_for_package(package_id)
        vendor, official = h.tokens.vendor(vendor_id), h.tokens.official()
        base = f"/packages/{package_id}"

        async def read(who: dict) -> tuple[int, dict, list[str]]:
            with statements(engine) as seen:
                response = await h.client.get(base, headers=who)
            return response.status_code, response.json(), seen

        received = await read(official)
        processed = await h.client.post(f"{base}/process", headers=official)
        assert processed.status_code == 200, processed.text
        for _ in range(150):  # the step-15 e-mail sent: it no longer changes
            if (await read(vendor))[1]["vendor_email"]["status"] == "sent":
                break
            await asyncio.sleep(0.1)
        proposed = await h.client.post(
            f"{base}/negotiation/proposals", headers=official, json=PROPOSAL
        )
        assert proposed.status_code == 200, proposed.text
        negotiating = await read(official)  # as the proposal's answer was
        not_theirs = await read(h.tokens.vendor(uuid4()))

    status, body, seen = received
    assert status == 200 and len(seen) == GET_PACKAGE, seen
    assert body["turn"]["actor_role"] == "procurement_official"
    assert body["vendor_email"] is None and body["negotiation"] == []
    status, body, seen = negotiating
    assert status == 200 and len(seen) == GET_PACKAGE, seen
    assert body == proposed.json()
    assert body["turn"]["actor_role"] == "vendor"
    assert body["vendor_email"]["status"] == "sent"
    assert body["vendor_email"]["recipient"] == event.data["vendor"]["email"]
    assert [r["status"] for r in body["negotiation"]] == ["proposed"]
    status, _, seen = not_theirs
    assert status == 404 and len(seen) == GET_PACKAGE, seen


async def test_a_load_that_waited_for_a_change_sees_what_the_change_wrote(
    ordering_harness, make_package_event
):
    """In READ COMMITTED one statement that waited for the package's lock reads the rounds and
    the order as they were before the wait: the load notices and reads again, lock held."""
    event = make_package_event()
    package_id = UUID(event.data["package_id"])
    async with ordering_harness() as h:
        engine = h.app.state.runtime.engine
        await h.publish(event)
        await h.wait_for_package(package_id)
        now = datetime.now(UTC)
        # Transactions as the unit of work holds them: on the driver connection, where the
        # repository sends its statements (direct.py).
        async with engine.connect() as first, engine.connect() as second, transaction(second):
            with statements(engine) as seen:
                async with transaction(first):
                    changing = SqlPackages(first, lambda: now)
                    package = await changing.get(package_id, for_update=True)
                    assert package is not None and package.rounds == []
                    proposal = PriceSet({1: 9_800_000, 2: 3_000_000}, 500_000)
                    package.rounds.append(
                        NegotiationRound(
                            1, proposal, RoundStatus.PROPOSED, proposed_by="o", proposed_at=now
                        )
                    )
                    package.version += 1
                    await changing.save(package)
                    change = len(seen)
                    waiting = asyncio.create_task(
                        SqlPackages(second, lambda: now).get(package_id, for_update=True)
                    )
                    await asyncio.sleep(0.3)
                    assert not waiting.done()  # the lock is held
                loaded = await waiting  # the change committed: the load goes on
            seen = seen[change:]  # the waiting load's own
    assert loaded is not None and loaded.version == package.version
    assert loaded.rounds == package.rounds
    assert len(seen) == 2  # the stale read, and the one after the wait
