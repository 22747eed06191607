"""Fixtures of the use-case unit tests: no broker, no database."""

import pytest

from .world import World


@pytest.fixture
def world() -> World:
    return World()
