"""A front end can generate a typed client from the published OpenAPI documents:
openapi-typescript generates the types of the four services, and tsc compiles a walk through
SOP steps 1-4 (tools/ts-client/walk-steps-1-4.ts) that uses nothing but those types.

Needs Node and npm; the tools are installed from the npm registry into
tools/ts-client/node_modules (exact versions in its package.json) when missing.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "ts-client"


@pytest.fixture(scope="module")
def npm() -> str:
    found = shutil.which("npm")
    if found is None or shutil.which("node") is None:
        pytest.fail("the TypeScript client check needs Node.js and npm on PATH", pytrace=False)
    if not (TOOL / "node_modules" / "typescript").is_dir():
        subprocess.run(
            [found, "install", "--no-package-lock", "--no-audit", "--no-fund"],
            cwd=TOOL,
            check=True,
            capture_output=True,
            timeout=300,
        )
    return found


def run(npm: str, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [npm, "run", "--silent", script],
        cwd=TOOL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_generated_types_compile_a_walk_through_steps_1_to_4(npm: str):
    generated = run(npm, "generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    compiled = run(npm, "check")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr


def test_a_request_shape_the_services_do_not_publish_fails_to_compile(npm: str, tmp_path):
    broken = (TOOL / "walk-steps-1-4.ts").read_text().replace('rup_code: "', 'kode_rup: "')
    (TOOL / "broken-walk.ts").write_text(broken)
    try:
        result = subprocess.run(
            [
                str(TOOL / "node_modules" / ".bin" / "tsc"),
                "--noEmit",
                "--strict",
                "--target",
                "ES2022",
                "--module",
                "ES2022",
                "--moduleResolution",
                "Bundler",
                "--skipLibCheck",
                "--lib",
                "ES2022,DOM",
                "broken-walk.ts",
            ],
            cwd=TOOL,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        (TOOL / "broken-walk.ts").unlink()
    assert result.returncode != 0
    assert "kode_rup" in result.stdout
