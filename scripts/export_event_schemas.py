"""Write the published JSON Schema of every event type to docs/events/<type>.json.

    python scripts/export_event_schemas.py           # regenerate (refuses a breaking change)
    python scripts/export_event_schemas.py --check   # exit 1 if a committed file is stale
    python scripts/export_event_schemas.py --compat  # exit 1 if a published vN schema broke

The compatibility check compares what the code generates with the committed schema of the
same type and with every version of that file in the git history (when there is one): a
published ``vN`` may only gain optional fields; anything else needs a new ``.vN+1`` type.
``--allow-breaking`` writes anyway (for a type that was never released).
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from epurchasing_contracts.compatibility import breaking_changes
from epurchasing_contracts.registry import EVENT_MODELS
from epurchasing_contracts.schemas import event_schema

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "docs" / "events"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def generated() -> dict[Path, dict[str, Any]]:
    return {EVENTS / f"{event_type}.json": event_schema(event_type) for event_type in EVENT_MODELS}


def published_versions(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The committed file and each version of it in the git history, labelled."""
    versions = [("committed", json.loads(path.read_text()))] if path.exists() else []
    relative = path.relative_to(ROOT).as_posix()
    log = subprocess.run(
        ["git", "log", "--format=%h", "--", relative],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    for commit in log.stdout.split() if log.returncode == 0 else []:
        shown = subprocess.run(
            ["git", "show", f"{commit}:{relative}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if shown.returncode == 0:
            versions.append((commit, json.loads(shown.stdout)))
    return versions


def incompatibilities(schemas: dict[Path, dict[str, Any]]) -> list[str]:
    found = []
    for path, schema in schemas.items():
        for label, old in published_versions(path):
            found += [f"{path.stem} (vs {label}): {p}" for p in breaking_changes(old, schema)]
    return found


def stale_files(schemas: dict[Path, dict[str, Any]]) -> list[Path]:
    stale = [p for p, s in schemas.items() if not p.exists() or p.read_text() != render(s)]
    extra = [p for p in EVENTS.glob("*.json") if p not in schemas]
    return sorted(stale + extra)


def main(args: list[str]) -> int:
    schemas = generated()
    if "--check" in args or "--compat" in args:
        failed = False
        if "--check" in args and (stale := stale_files(schemas)):
            print("stale event schemas (run python scripts/export_event_schemas.py):")
            print(*(f"  {p.relative_to(ROOT)}" for p in stale), sep="\n")
            failed = True
        if "--compat" in args and (broken := incompatibilities(schemas)):
            print("not backward compatible (publish a new .vN+1 type instead):")
            print(*(f"  {problem}" for problem in broken), sep="\n")
            failed = True
        return 1 if failed else 0
    if "--allow-breaking" not in args and (broken := incompatibilities(schemas)):
        print("refusing to overwrite published schemas; not backward compatible:")
        print(*(f"  {problem}" for problem in broken), sep="\n")
        return 1
    EVENTS.mkdir(parents=True, exist_ok=True)
    for path in EVENTS.glob("*.json"):
        if path not in schemas:
            path.unlink()
    for path, schema in schemas.items():
        path.write_text(render(schema))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
