"""What an outside subscriber and an operator see of the procurements the whole-SOP tests just
ran (this file runs after test_e2e_whole_sop.py, on the same processes): every event on the
exchange parses with the contracts-only package, and every service's log lines about a
procurement carry its id."""

import json

import pytest

from epurchasing_contracts.registry import parse_event

pytestmark = pytest.mark.integration


def test_every_event_of_the_demo_runs_parses_with_the_contracts_package(system):
    bodies = [message.body for message in system.spy.messages]
    assert len(bodies) >= 28  # at least one whole procurement's events
    parsed = [parse_event(body) for body in bodies]  # raises on any it cannot read
    types = {event.type for event, _ in parsed}
    assert {"competition.package_generated.v1", "delivery.package_completed.v1"} <= types
    assert all(payload.event_type == event.type for event, payload in parsed)


def test_each_services_log_lines_about_a_procurement_carry_its_id(system):
    completed = system.spy.of_type("delivery.package_completed.v1")
    assert completed, "the whole-SOP tests ran first"
    procurement = str(completed[0].procurementid)
    for service, path in system.logs.items():
        lines = path.read_text(errors="replace").splitlines()
        tagged = [line for line in lines if _procurement_of(line) == procurement]
        assert tagged, f"{service}: no log line carries procurement_id {procurement}"


def _procurement_of(line: str) -> str | None:
    """The procurement id of a console or JSON log line, if it has one."""
    if line.startswith("{"):
        try:
            return json.loads(line).get("procurement_id")
        except ValueError:
            return None
    for part in line.split():
        if part.startswith("procurement_id="):
            return part.removeprefix("procurement_id=")
    return None
