"""The in-memory unit of work of the rating unit tests (no broker, no database)."""

import pytest

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.unit_of_work import MemoryStore

from .fakes import START


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)
