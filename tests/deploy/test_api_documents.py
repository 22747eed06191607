"""The committed OpenAPI and AsyncAPI documents under docs/api/ match the code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_api_documents_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "export_api_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
