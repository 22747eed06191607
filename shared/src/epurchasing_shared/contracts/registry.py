"""Moved to ``epurchasing_contracts.registry`` (the contracts-only package); re-exported here."""

from epurchasing_contracts.registry import (
    CONTRACT_MODULES,
    EVENT_MODELS,
    CloudEvent,
    EventPayload,
    UnknownEventType,
    model_for,
    parse_event,
    parse_payload,
    type_of,
)

__all__ = [
    "CONTRACT_MODULES",
    "EVENT_MODELS",
    "CloudEvent",
    "EventPayload",
    "UnknownEventType",
    "model_for",
    "parse_event",
    "parse_payload",
    "type_of",
]
