"""Write the generated OpenAPI and AsyncAPI documents of every service under docs/api/.

    python scripts/export_api_docs.py          # regenerate
    python scripts/export_api_docs.py --check  # exit 1 if a committed document is stale

A test runs the check, so the committed documents always match the code.
"""

import importlib
import json
import sys
from pathlib import Path

from epurchasing_shared.asyncapi import build_asyncapi
from epurchasing_shared.messaging.topology import Topology

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("competition", "ordering", "delivery", "rating")


def documents() -> dict[Path, str]:
    found = {}
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
            text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            found[ROOT / "docs" / "api" / f"{service}.{kind}.json"] = text
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
