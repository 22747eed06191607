"""Moved to ``epurchasing_contracts.envelope`` (the contracts-only package); re-exported here."""

from epurchasing_contracts.envelope import (
    CONTENT_TYPE,
    Actor,
    CloudEvent,
    EventPayload,
    make_event,
)

__all__ = [
    "CONTENT_TYPE",
    "Actor",
    "CloudEvent",
    "EventPayload",
    "make_event",
]
