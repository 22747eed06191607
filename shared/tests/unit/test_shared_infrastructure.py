"""Integration tests never skip silently: with nothing to test against, the run fails."""

from contextlib import ExitStack

import pytest

from epurchasing_shared.testing import infrastructure


def test_no_broker_no_database_and_no_docker_is_an_error_naming_what_is_missing(monkeypatch):
    monkeypatch.delenv("TEST_AMQP_URL", raising=False)
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/postgres")
    monkeypatch.setattr(infrastructure, "LOCAL_AMQP_URL", "amqp://guest:guest@127.0.0.1:1/")
    monkeypatch.setattr(infrastructure, "_docker_engine_answers", lambda: False)
    with ExitStack() as stack, pytest.raises(RuntimeError, match="RabbitMQ and PostgreSQL"):
        infrastructure.find_infrastructure(stack)


def test_both_urls_from_the_environment_are_used_as_given(monkeypatch):
    monkeypatch.setenv("TEST_AMQP_URL", "amqp://u:p@broker.test:5672/")
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql+asyncpg://u@db.test:5432/postgres")
    with ExitStack() as stack:
        found = infrastructure.find_infrastructure(stack)
    assert found.amqp_url == "amqp://u:p@broker.test:5672/"
    assert found.database("x") == "postgresql+asyncpg://u@db.test:5432/x"


class TestChoice:
    """The fallback's order (environment, localhost, Docker, failure), with the probes faked:
    no broker, database or Docker engine needed."""

    LOCAL = (infrastructure.LOCAL_AMQP_URL, infrastructure.LOCAL_DATABASE_URL)

    @staticmethod
    def probes(up: set[int], docker: bool):
        tried: list[str] = []

        def reachable(url: str, port: int) -> bool:
            tried.append(url)
            return port in up

        def docker_answers() -> bool:
            tried.append("docker")
            return docker

        return reachable, docker_answers, tried

    def test_both_variables_win_without_probing_anything(self):
        reachable, docker, tried = self.probes(set(), docker=True)
        env = {"TEST_AMQP_URL": "amqp://a@mq:5672/", "TEST_DATABASE_URL": "postgresql://d@db/p"}
        found = infrastructure.choose(env, reachable, docker)
        assert found == ("env", "amqp://a@mq:5672/", "postgresql://d@db/p")
        assert tried == []

    def test_local_servers_come_before_docker(self):
        reachable, docker, tried = self.probes({5672, 5432}, docker=True)
        assert infrastructure.choose({}, reachable, docker) == ("local", *self.LOCAL)
        assert "docker" not in tried

    def test_one_variable_is_used_and_the_other_taken_from_localhost(self):
        reachable, docker, _ = self.probes({5672, 5432}, docker=False)
        env = {"TEST_AMQP_URL": "amqp://a@127.0.0.1:5672/"}
        found = infrastructure.choose(env, reachable, docker)
        assert found == ("local", "amqp://a@127.0.0.1:5672/", infrastructure.LOCAL_DATABASE_URL)

    @pytest.mark.parametrize("up", [set(), {5672}, {5432}])
    def test_docker_when_a_local_server_is_missing(self, up):
        reachable, docker, _ = self.probes(up, docker=True)
        assert infrastructure.choose({}, reachable, docker)[0] == "docker"

    @pytest.mark.parametrize(
        ("up", "missing"),
        [(set(), "RabbitMQ and PostgreSQL"), ({5672}, "PostgreSQL:"), ({5432}, "RabbitMQ:")],
    )
    def test_nothing_usable_fails_naming_what_is_missing_without_passwords(self, up, missing):
        reachable, docker, _ = self.probes(up, docker=False)
        env = {"TEST_AMQP_URL": "amqp://u:s3cret@127.0.0.1:5672/"}
        with pytest.raises(RuntimeError, match=missing) as raised:
            infrastructure.choose(env, reachable, docker)
        assert "s3cret" not in str(raised.value)

    def test_the_container_modules_used_do_not_warn(self):
        """Imported afresh with DeprecationWarning as an error (the top-level
        ``testcontainers.postgres`` would fail this)."""
        import subprocess
        import sys

        modules = (
            "testcontainers.community.postgres",
            "testcontainers.core.container",
            "testcontainers.core.wait_strategies",
        )
        code = "; ".join(f"import {m}" for m in modules)
        result = subprocess.run(
            [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
