"""The whole SOP, end to end: the four services as real processes, driven over HTTP by the demo's
driver as the right actors; the events on the exchange, the e-mail, every service's final state
and history. Then the SOP's branches, each as one procurement through to the rating."""

from collections import Counter
from uuid import UUID, uuid4

import pytest
from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue, seed_catalogue
from epurchasing_demo.client import Api, http_client
from epurchasing_demo.driver import FINAL, Branches, drive, wait_for_final_states
from epurchasing_demo.model import Outcome

from epurchasing_shared.contracts.envelope import CloudEvent

pytestmark = pytest.mark.integration

# events.md's happy path in causal order: (type, SOP step, acting role; None = the system).
HAPPY_PATH = [
    ("competition.purchase_request_submitted.v1", "3", "ppk"),
    ("competition.purchase_request_accepted.v1", "4", "procurement_official"),
    ("competition.competition_opened.v1", "9", "procurement_official"),
    *[("competition.offer_submitted.v1", "10", "vendor")] * 3,
    ("competition.competition_succeeded.v1", "11", "procurement_official"),
    ("competition.competition_published.v1", "12", "procurement_official"),
    ("competition.package_generated.v1", "13", "procurement_official"),
    ("ordering.package_processing.v1", "14", "procurement_official"),
    ("ordering.vendor_notified.v1", "15", None),
    ("ordering.negotiation_proposed.v1", "17", "procurement_official"),
    ("ordering.negotiation_agreed.v1", "17a", "vendor"),
    ("ordering.vendor_approved.v1", "18", "vendor"),
    ("ordering.package_sent_to_ppk.v1", "19", "procurement_official"),
    ("ordering.package_approved.v1", "20a", "ppk"),
    ("ordering.order_issued.v1", "21", "ppk"),
    ("ordering.order_acknowledged.v1", "22", "vendor"),
    ("delivery.preparation_started.v1", "23", "vendor"),
    *[("delivery.shipment_recorded.v1", "25", "vendor")] * 4,
    ("delivery.goods_inspected.v1", "26", "ppk"),
    ("delivery.goods_handed_over.v1", "26", "ppk"),
    ("delivery.payment_recorded.v1", "26", "ppk"),
    ("delivery.package_completed.v1", "27", "ppk"),
    ("rating.vendor_rated.v1", "27", "ppk"),
]
BRANCH_ONLY = {
    "competition.purchase_request_returned.v1",
    "competition.competition_failed.v1",
    "ordering.negotiation_rejected.v1",
    "ordering.package_cancelled.v1",
    "ordering.order_amended.v1",
}
CATALOGUE = {t for t, _, _ in HAPPY_PATH} | BRANCH_ONLY
HISTORY_STEPS = {
    "competition": {"1", "2", "3", "4", "6", "7", "8", "9", "10", "11", "12", "13"},
    "ordering": {"14", "15", "17", "17a", "18", "19", "20a", "21", "22"},
    "delivery": {"22", "23", "25", "26", "27"},
    "rating": {"27"},
}


async def run_procurement(system, branches: Branches) -> tuple[Api, Cast, Outcome, str]:
    """Seed a catalogue of its own (unique category and e-mails), then drive one procurement."""
    tag = uuid4().hex[:8]
    cast = Cast(settings=system.settings, work_unit=f"dinkes-{tag}")
    spec = demo_catalogue(tag)
    http = http_client(timeout=30)
    api = Api(system.endpoints, http)
    try:
        await api.check_reachable()
        vendors = await seed_catalogue(api, cast.admin_headers(), spec)
        outcome = await drive(
            api, cast, vendors, spec.category, branches, offer_window=3.0, timeout=30.0
        )
        states = await wait_for_final_states(api, cast, outcome, timeout=20.0)
    except Exception:
        await http.close()
        print(system.log_tail())
        raise
    assert states == FINAL, states
    return api, cast, outcome, spec.category


def events_of(system, outcome: Outcome) -> list[CloudEvent]:
    pid = UUID(outcome.procurement_id)
    return [e for e in system.spy.events if e.procurementid == pid and e.type in CATALOGUE]


async def wait_for_events(system, outcome: Outcome, last: str, count: int = 1) -> list:
    pid = UUID(outcome.procurement_id)
    await system.spy.wait_for(last, lambda e: e.procurementid == pid)
    return events_of(system, outcome)


def assert_steps_1_to_27(outcome: Outcome) -> None:
    numbers = {int("".join(c for c in s.sop if c.isdigit())) for s in outcome.steps}
    assert numbers == set(range(1, 28)), sorted(numbers)


async def test_the_whole_sop_in_one_procurement(system):
    api, cast, outcome, _ = await run_procurement(system, Branches())
    assert_steps_1_to_27(outcome)
    try:
        events = await wait_for_events(system, outcome, "rating.vendor_rated.v1")
        seen = [(e.type, e.sopstep, e.actorrole) for e in events]
        assert seen == HAPPY_PATH, seen
        for event in events:
            assert event.specversion == "1.0" and event.id is not None
            assert event.source == f"/epurchasing/{event.type.split('.')[0]}"
            assert event.subject == outcome.procurement_id
            assert event.time.tzinfo is not None
        times = [e.time for e in events]
        assert times == sorted(times)

        winner = outcome.winner
        assert winner is not None and winner.name == "CV Berkah Abadi Elektronika"
        # Step 15's e-mail once; the "your turn" e-mails of 17 and 21 (ordering) have their own
        # Message-IDs (<package-{id}-turn-{turn}@...>).
        everything = system.mail.to(winner.spec.email)
        assert len({m["Message-ID"] for m in everything}) == len(everything)
        mails = [m for m in everything if "-turn-" not in m["Message-ID"]]
        assert len(mails) == 1 and "Pengadaan laptop" in mails[0]["Subject"]
        notified = next(e for e in events if e.type == "ordering.vendor_notified.v1")
        assert notified.data["message_id"] == mails[0]["Message-ID"]

        for service, steps in HISTORY_STEPS.items():
            history = await api.call(
                service,
                "GET",
                f"/procurements/{outcome.procurement_id}/history",
                headers=cast.auditor_headers(),
            )
            assert steps <= {h["sop_step"] for h in history}, (service, history)
            assert all(h["at"] and h["action"] for h in history)
    finally:
        await api.http.close()


async def test_a_failed_competition_is_re_run_to_success(system):
    api, _, outcome, _ = await run_procurement(system, Branches(failed_competition_first=True))
    await api.http.close()
    assert_steps_1_to_27(outcome)
    assert len(outcome.competition_ids) == 2
    events = await wait_for_events(system, outcome, "rating.vendor_rated.v1")
    types = [e.type for e in events]
    failed = types.index("competition.competition_failed.v1")
    assert events[failed].data["reason"] == "no_offers"
    assert types.count("competition.competition_opened.v1") == 2
    assert failed < types.index("competition.offer_submitted.v1")


async def test_two_rejected_negotiation_rounds_then_agreement(system):
    api, _, outcome, _ = await run_procurement(system, Branches(rejected_rounds=2))
    await api.http.close()
    events = await wait_for_events(system, outcome, "rating.vendor_rated.v1")
    negotiation = [e.type.split(".")[1] for e in events if "negotiation" in e.type]
    assert negotiation == [
        "negotiation_proposed",
        "negotiation_rejected",
        "negotiation_proposed",
        "negotiation_rejected",
        "negotiation_agreed",
    ]
    agreed = next(e for e in events if e.type == "ordering.negotiation_agreed.v1")
    issued = next(e for e in events if e.type == "ordering.order_issued.v1")
    assert issued.data["total"] == agreed.data["total"]


async def test_a_ppk_rejection_leads_to_a_new_competition_and_package(system):
    api, cast, outcome, _ = await run_procurement(system, Branches(ppk_rejects_first=True))
    try:
        assert len(outcome.competition_ids) == 2 and len(set(outcome.package_ids)) == 2
        events = await wait_for_events(system, outcome, "rating.vendor_rated.v1")
        cancelled = next(e for e in events if e.type == "ordering.package_cancelled.v1")
        assert cancelled.data["package_id"] == outcome.package_ids[0]
        generated = [
            e.data["package_id"] for e in events if e.type.endswith("package_generated.v1")
        ]
        assert generated == outcome.package_ids
        first = await api.call(
            "ordering", "GET", f"/packages/{outcome.package_ids[0]}", headers=cast.auditor_headers()
        )
        assert first["state"] == "cancelled"
    finally:
        await api.http.close()


async def test_an_addendum_then_payment_in_instalments(system):
    api, _, outcome, _ = await run_procurement(system, Branches(addendum=True, instalments=3))
    await api.http.close()
    events = await wait_for_events(system, outcome, "rating.vendor_rated.v1")
    amended = next(e for e in events if e.type == "ordering.order_amended.v1")
    assert amended.data["version"] == 2 and amended.data["lines"][0]["quantity"] == 11
    payments = [e.data for e in events if e.type == "delivery.payment_recorded.v1"]
    assert len(payments) == 3
    assert payments[-1]["paid_so_far"] == amended.data["total"] and payments[-1]["remaining"] == 0
    assert Counter(e.type for e in events)["delivery.package_completed.v1"] == 1
