"""The architecture contracts (pyproject.toml, [tool.importlinter]) hold, and they bite.

``make lint`` runs ``lint-imports`` on the real tree. Here a copy of one service gains a
deliberate violation, and the same contracts must refuse it: a contract that cannot fail
protects nothing.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(python_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(python_path), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def ordering_copy(tmp_path: Path) -> Path:
    """A copy of the ordering package that shadows the installed one on PYTHONPATH."""
    shutil.copytree(
        ROOT / "services/ordering/src/ordering",
        tmp_path / "ordering",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return tmp_path


def test_the_real_tree_keeps_every_contract():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_domain_module_importing_sqlalchemy_is_refused(ordering_copy: Path):
    (ordering_copy / "ordering/domain/leak.py").write_text("import sqlalchemy  # noqa\n")
    result = lint_imports(ordering_copy)
    assert result.returncode != 0
    assert "ordering.domain.leak -> sqlalchemy" in result.stdout


def test_an_application_module_speaking_http_is_refused(ordering_copy: Path):
    leak = "from fastapi.responses import JSONResponse  # noqa\n"
    (ordering_copy / "ordering/application/leak.py").write_text(leak)
    result = lint_imports(ordering_copy)
    assert result.returncode != 0
    assert "ordering.application.leak -> fastapi" in result.stdout


def test_one_service_importing_another_is_refused(ordering_copy: Path):
    (ordering_copy / "ordering/domain/leak.py").write_text("import delivery.domain  # noqa\n")
    result = lint_imports(ordering_copy)
    assert result.returncode != 0
    assert "ordering.domain.leak -> delivery" in result.stdout
