"""Write the generated OpenAPI and AsyncAPI documents of every service under docs/api/, and the
AsyncAPI catalogue of every event (docs/api/events.asyncapi.json).

    python scripts/export_api_docs.py          # regenerate
    python scripts/export_api_docs.py --check  # exit 1 if a committed document is stale

A test runs the check, so the committed documents always match the code.
"""

import importlib
import json
import sys
import tomllib
from pathlib import Path

from epurchasing_shared.asyncapi import build_asyncapi, build_catalogue
from epurchasing_shared.messaging.topology import Topology

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("competition", "ordering", "delivery", "rating")


def _text(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def contracts_version() -> str:
    with (ROOT / "contracts" / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def documents() -> dict[Path, str]:
    catalogue = build_catalogue(version=contracts_version(), topology=Topology())
    found = {ROOT / "docs" / "api" / "events.asyncapi.json": _text(catalogue)}
    for service in SERVICES:
        app_module = importlib.import_module(f"{service}.app")
        app = app_module.create_app()
        definition = app_module.definition()
        asyncapi = build_asyncapi(
            service=service,
            title=f"{definition.title} events",
            version=definition.version,
            topology=Topology(),
            publishes=list(definition.publishes),
        )
        for kind, document in (("openapi", app.openapi()), ("asyncapi", asyncapi)):
            found[ROOT / "docs" / "api" / f"{service}.{kind}.json"] = _text(document)
    return found


def main(check: bool) -> int:
    stale = []
    for path, text in documents().items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text)
    if stale:
        print("stale API documents (run python scripts/export_api_docs.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
