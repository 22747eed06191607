"""The published event schemas (docs/events/) match the contracts and never break a vN."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from epurchasing_contracts.examples import EXAMPLES, example_event
from epurchasing_contracts.registry import EVENT_MODELS, parse_event

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "export_event_schemas.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_the_committed_event_schemas_are_current():
    result = run_script("--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_published_event_schema_changed_incompatibly():
    result = run_script("--compat")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_event_type_has_a_schema_file_and_an_example():
    files = {path.stem for path in (ROOT / "docs" / "events").glob("*.json")}
    assert files == set(EVENT_MODELS) == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EVENT_MODELS))
def test_the_example_in_each_schema_file_parses_as_its_type(event_type: str):
    schema = json.loads((ROOT / "docs" / "events" / f"{event_type}.json").read_text())
    [example] = schema["examples"]
    event, payload = parse_event(json.dumps(example))
    assert event.type == event_type == schema["properties"]["type"]["const"]
    assert payload == EXAMPLES[event_type].payload
    assert example == example_event(event_type).model_dump(mode="json", exclude_none=True)
