"""What a service process checks before it serves: the JWT secret, and waiting with back-off
for what it cannot reach yet (no broker or database needed)."""

import asyncio
import gc
import itertools
import logging
import subprocess
import sys

import pytest

from epurchasing_shared.settings import ServiceSettings
from epurchasing_shared.startup import (
    DEVELOPMENT_JWT_SECRET,
    backoff,
    redacted,
    secret_refusal,
    settings_refusal,
    wait_until,
)

STRONG = "k3Yx9-strong-random-secret-of-more-than-32-bytes"


class TestSecretRefusal:
    def test_the_development_secret_is_refused_outside_development_mode(self):
        refusal = secret_refusal(
            jwt_secret=DEVELOPMENT_JWT_SECRET, jwt_algorithms=["HS256"], development_mode=False
        )
        assert refusal is not None and "development secret" in refusal
        assert "DEVELOPMENT_MODE" in refusal

    def test_a_secret_shorter_than_32_bytes_is_refused(self):
        refusal = secret_refusal(
            jwt_secret="x" * 31, jwt_algorithms=["HS256"], development_mode=False
        )
        assert refusal is not None and "shorter than 32 bytes" in refusal
        assert secret_refusal(jwt_secret="", jwt_algorithms=["HS256"], development_mode=False)

    def test_bytes_not_characters_count(self):
        assert (
            secret_refusal(jwt_secret="é" * 16, jwt_algorithms=["HS256"], development_mode=False)
            is None
        )
        assert secret_refusal(jwt_secret="é" * 15, jwt_algorithms=["HS256"], development_mode=False)

    def test_a_long_random_secret_is_accepted(self):
        assert (
            secret_refusal(jwt_secret=STRONG, jwt_algorithms=["HS256"], development_mode=False)
            is None
        )

    @pytest.mark.parametrize("secret", [DEVELOPMENT_JWT_SECRET, "short", ""])
    def test_development_mode_allows_any_secret(self, secret):
        assert (
            secret_refusal(jwt_secret=secret, jwt_algorithms=["HS256"], development_mode=True)
            is None
        )

    def test_the_secret_is_not_checked_when_no_hmac_algorithm_uses_it(self):
        assert (
            secret_refusal(
                jwt_secret=DEVELOPMENT_JWT_SECRET, jwt_algorithms=["RS256"], development_mode=False
            )
            is None
        )

    def test_settings_read_development_mode_from_the_environment(self, monkeypatch):
        monkeypatch.delenv("JWT_SECRET", raising=False)
        monkeypatch.setenv("DEVELOPMENT_MODE", "false")
        assert settings_refusal(ServiceSettings()) is not None
        monkeypatch.setenv("DEVELOPMENT_MODE", "true")
        assert settings_refusal(ServiceSettings()) is None
        monkeypatch.delenv("DEVELOPMENT_MODE")
        assert ServiceSettings().development_mode is False


def test_a_service_started_with_the_development_secret_exits_non_zero_saying_why(monkeypatch):
    env = {"PATH": "/usr/bin:/bin", "DEVELOPMENT_MODE": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "competition", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "refusing to start: JWT_SECRET is the development secret" in done.stderr
    assert "Traceback" not in done.stderr


class TestRedacted:
    def test_a_database_url_loses_its_password(self):
        url = "postgresql+asyncpg://ordering:s3cret@postgres:5432/epurchasing_ordering"
        assert (
            redacted(url) == "postgresql+asyncpg://ordering:***@postgres:5432/epurchasing_ordering"
        )

    def test_a_broker_url_loses_its_password(self):
        assert redacted("amqp://rating:s3cret@rabbitmq:5672/") == "amqp://rating:***@rabbitmq:5672/"

    def test_a_url_without_password_is_unchanged(self):
        assert redacted("amqp://rabbitmq:5672/") == "amqp://rabbitmq:5672/"
        assert "s3cret" not in redacted("postgresql://u:s3cret@h/db")


def test_backoff_doubles_up_to_a_limit():
    assert list(itertools.islice(backoff(0.5, 2, 4), 6)) == [0.5, 1, 2, 4, 4, 4]


class TestWaitUntil:
    def test_it_retries_while_unreachable_logging_one_line_per_attempt(self, caplog):
        failures = [ConnectionRefusedError(111, "refused"), TimeoutError()]
        slept: list[float] = []

        async def attempt() -> None:
            if failures:
                raise failures.pop(0)

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        logging.getLogger("epurchasing.startup").propagate = True
        with caplog.at_level(logging.WARNING, logger="epurchasing.startup"):
            attempts = asyncio.run(
                wait_until(
                    "PostgreSQL",
                    "postgresql://app:s3cret@db:5432/x",
                    attempt,
                    delays=backoff(1, 2, 60),
                    sleep=sleep,
                )
            )
        assert attempts == 3 and slept == [1, 2]
        lines = [r.getMessage() for r in caplog.records]
        assert len(lines) == 2
        assert all(
            "cannot reach PostgreSQL at postgresql://app:***@db:5432/x" in line for line in lines
        )
        assert not any("s3cret" in line for line in lines)

    def test_with_the_collector_off_each_failed_attempt_is_collected(self):
        """As while a service starts (its __main__ turns the collector off until it serves): a
        long wait must not keep every failed attempt's garbage."""
        failures = [ConnectionRefusedError(111, "refused")] * 3
        collections: list[int] = []

        async def attempt() -> None:
            if failures:
                raise failures.pop()

        async def sleep(seconds: float) -> None:
            pass

        def collected(phase: str, info: dict) -> None:
            if phase == "stop":
                collections.append(info["generation"])

        gc.disable()
        gc.callbacks.append(collected)
        try:
            asyncio.run(wait_until("PostgreSQL", "postgresql://db/x", attempt, sleep=sleep))
        finally:
            gc.callbacks.remove(collected)
            gc.enable()
        assert collections == [2, 2, 2]

    def test_an_error_that_waiting_does_not_mend_propagates(self):
        async def attempt() -> None:
            raise ValueError("wrong password")

        with pytest.raises(ValueError):
            asyncio.run(wait_until("PostgreSQL", "postgresql://db/x", attempt))
