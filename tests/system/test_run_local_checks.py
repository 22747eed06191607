"""``make run``'s first check, with the probes and commands faked (nothing is started): RabbitMQ
and PostgreSQL that listen are left alone, installed-but-stopped ones are started as
``.ci/run`` does, missing ones are named with a command that gets them."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("run_local", ROOT / "scripts" / "run_local.py")
assert spec and spec.loader
run_local = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_local)

SERVICES = ["competition", "ordering", "delivery", "rating"]


def fake_host(up: set[int], starts: set[int]):
    """Ports that listen, and ports a start command brings up."""
    ran: list[list[str]] = []
    listening = set(up)

    def is_listening(host: str, port: int) -> bool:
        return port in listening

    def run(command: list[str]) -> int:
        ran.append(command)
        port = 5672 if command[0] == "rabbitmq-server" else 5432
        if port in starts:
            listening.add(port)
        return 0

    return is_listening, run, ran


def found(rabbit: bool = True, postgres: bool = True, environ: dict | None = None):
    deps = run_local.dependencies(SERVICES, environ or {})
    start = {
        "RabbitMQ": ["rabbitmq-server", "-detached"] if rabbit else None,
        "PostgreSQL": (
            ["pg_ctlcluster", "--skip-systemctl-redirect", "16", "main", "start"]
            if postgres
            else None
        ),
    }
    return [run_local.Dependency(d.name, d.host, d.port, start[d.name], d.get) for d in deps]


def test_one_postgres_address_is_checked_once_for_the_four_services():
    deps = run_local.dependencies(SERVICES, {})
    assert [(d.name, d.host, d.port) for d in deps] == [
        ("RabbitMQ", "127.0.0.1", 5672),
        ("PostgreSQL", "127.0.0.1", 5432),
    ]


def test_running_servers_are_left_alone():
    is_listening, run, ran = fake_host({5672, 5432}, set())
    assert run_local.ensure_dependencies(found(), is_listening=is_listening, run=run) == []
    assert ran == []


def test_installed_but_stopped_servers_are_started_as_ci_does():
    is_listening, run, ran = fake_host(set(), {5672, 5432})
    problems = run_local.ensure_dependencies(
        found(), is_listening=is_listening, run=run, sleep=lambda _: None
    )
    assert problems == []
    assert ran == [
        ["rabbitmq-server", "-detached"],
        ["pg_ctlcluster", "--skip-systemctl-redirect", "16", "main", "start"],
    ]


def test_a_server_not_installed_is_named_with_how_to_get_it():
    is_listening, run, ran = fake_host({5432}, set())
    problems = run_local.ensure_dependencies(
        found(rabbit=False), is_listening=is_listening, run=run
    )
    assert len(problems) == 1
    assert "RabbitMQ is not running at 127.0.0.1:5672" in problems[0]
    assert "rabbitmq:4.1-management" in problems[0]
    assert ran == []


def test_a_start_that_never_listens_is_reported():
    is_listening, run, _ = fake_host({5672}, set())
    problems = run_local.ensure_dependencies(
        found(), is_listening=is_listening, run=run, wait_seconds=0, sleep=lambda _: None
    )
    assert problems == ["PostgreSQL started but does not listen at 127.0.0.1:5432"]


@pytest.mark.parametrize("host", ["db.internal", "10.0.0.5"])
def test_a_remote_server_is_not_started_and_does_not_block(host):
    environ = {
        f"{s.upper()}_DATABASE_URL": f"postgresql+asyncpg://p:pw@{host}:5433/x" for s in SERVICES
    }
    is_listening, run, ran = fake_host({5672}, set())
    deps = found(environ=environ)
    assert [(d.host, d.port) for d in deps][1:] == [(host, 5433)]
    assert run_local.ensure_dependencies(deps, is_listening=is_listening, run=run) == []
    assert ran == []
