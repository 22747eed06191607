"""``pip install ./contracts`` in a fresh venv brings pydantic, not the platform's stack, and
parses every published event (the example of each type under docs/events/)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "uvicorn", "faststream", "aio_pika", "asyncpg")

PARSE_EVERY_EXAMPLE = """
import json, sys
from pathlib import Path
from epurchasing_contracts import parse_event
count = 0
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    for example in json.loads(path.read_text())["examples"]:
        event, payload = parse_event(json.dumps(example))
        assert event.type == path.stem, path
        count += 1
print(count)
"""


@pytest.mark.timeout(150)
def test_the_contracts_package_installs_alone_and_parses_every_event(tmp_path: Path):
    source = shutil.copytree(
        ROOT / "contracts", tmp_path / "contracts", ignore=shutil.ignore_patterns("*.egg-info")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # This venv's pip installs into the fresh one, resolving from the configured index.
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(source)],
        capture_output=True,
        text=True,
        timeout=140,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    probe = f"import importlib.util as u; print([m for m in {FORBIDDEN!r} if u.find_spec(m)])"
    found = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
    parsed = subprocess.run(
        [str(python), "-c", PARSE_EVERY_EXAMPLE, str(ROOT / "docs" / "events")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert parsed.returncode == 0, parsed.stderr
    assert int(parsed.stdout) == len(list((ROOT / "docs" / "events").glob("*.json"))) > 30
