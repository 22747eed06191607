"""The five AsyncAPI documents under docs/api/ pass the official parser (@asyncapi/parser), and
their message examples match their payload schemas.

Needs Node and npm; the parser is installed from the npm registry into
tools/asyncapi-validate/node_modules (exact version in its package.json) when missing.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "asyncapi-validate"
DOCUMENTS = ("events", "competition", "ordering", "delivery", "rating")


@pytest.fixture(scope="module")
def parser() -> list[str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("the AsyncAPI check needs Node.js and npm on PATH", pytrace=False)
    if not (TOOL / "node_modules" / "@asyncapi" / "parser").is_dir():
        subprocess.run(
            [npm, "install", "--no-package-lock", "--no-audit", "--no-fund"],
            cwd=TOOL,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [node, str(TOOL / "validate.mjs")]


def test_every_asyncapi_document_passes_the_parser(parser: list[str]):
    paths = [str(ROOT / "docs" / "api" / f"{name}.asyncapi.json") for name in DOCUMENTS]
    result = subprocess.run(
        [*parser, *paths], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": 0 errors") == len(DOCUMENTS), result.stdout


def test_an_example_that_does_not_match_its_schema_is_refused(parser: list[str], tmp_path: Path):
    document = json.loads((ROOT / "docs" / "api" / "events.asyncapi.json").read_text())
    message = document["components"]["messages"]["ordering_package_approved_v1"]
    message["examples"][0]["payload"]["data"]["total"] = "seratus juta"
    broken = tmp_path / "broken.asyncapi.json"
    broken.write_text(json.dumps(document))
    result = subprocess.run(
        [*parser, str(broken)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert "data/data/total must be integer" in result.stdout


def test_the_parser_refuses_an_unresolvable_ref(parser: list[str], tmp_path: Path):
    """The check bites: pydantic's nested ``#/$defs/...`` refs left in place are errors."""
    document = (ROOT / "docs" / "api" / "rating.asyncapi.json").read_text()
    broken = tmp_path / "broken.asyncapi.json"
    broken.write_text(document.replace('"#/components/schemas/Party"', '"#/$defs/Party"'))
    result = subprocess.run(
        [*parser, str(broken)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert "invalid-ref" in result.stdout
