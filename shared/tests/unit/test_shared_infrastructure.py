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
