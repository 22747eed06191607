"""Schemathesis against the four running services, with a token of every role (and none):
0 server errors, 0 responses that break their schema, 0 undocumented status codes or content
types. Fixed seed, bounded in time; runs after the whole-SOP test (file order), on the same
processes, so the services hold real data while they are fuzzed."""

import asyncio
import os
import sys
from pathlib import Path
from uuid import UUID

import pytest
from epurchasing_demo.client import SERVICES

from epurchasing_shared.auth import mint_token

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
SEED = 20261129
SECONDS_PER_RUN = int(os.environ.get("FUZZ_SECONDS", "12"))
ROLES = {
    "anonymous": None,
    "ppk": {"work_unit": "dinkes"},
    "procurement_official": {"work_unit": "dinkes"},
    "vendor": {"vendor_id": str(UUID(int=7))},
    "admin": {},
    "auditor": {},
}


async def schemathesis(url: str, token: str | None) -> tuple[int, str]:
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{url}/openapi.json",
        "--checks",
        CHECKS,
        "--seed",
        str(SEED),
        "--max-examples",
        "5",
        "--max-time",
        str(SECONDS_PER_RUN),
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "10",
        "--no-shrink",
        "--exclude-path-regex",
        "^/(metrics|docs|redoc|asyncapi)",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


@pytest.mark.parametrize("service", SERVICES)
async def test_no_server_error_nor_undocumented_answer_for_any_role(system, service):
    failures = []
    for role, claims in ROLES.items():
        token = (
            mint_token(system.settings, sub=f"fuzz-{role}", role=role, **claims)
            if claims is not None
            else None
        )
        code, output = await schemathesis(system.endpoints.of(service), token)
        if code != 0:
            failures.append(f"--- {service} as {role}\n{output[-4000:]}")
    assert not failures, "\n".join(failures)
