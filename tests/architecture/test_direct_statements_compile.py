"""Every statement sent to the driver directly (``epurchasing_shared.direct.Direct``) that a
module builds at import compiles for asyncpg: a statement is compiled at its first use, so a
mistake (an expanding ``IN``, a parameter without a name) would otherwise surface only when
that step first runs in production."""

import importlib
import pkgutil

from epurchasing_shared.direct import Direct

PACKAGES = ("competition", "ordering", "delivery", "rating", "epurchasing_shared")


def module_names() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if info.name.endswith("__main__") or ".migrations" in info.name:
                continue
            names.append(info.name)
    return names


def test_every_direct_statement_built_at_import_compiles():
    compiled = 0
    for name in module_names():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Direct):
                assert value.sql, f"{name}: an empty statement"
                compiled += 1
    assert compiled >= 50  # the services' loads, saves and inserts
