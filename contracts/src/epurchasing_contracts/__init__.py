"""Public event contracts of the e-purchasing platform.

The CloudEvents envelope (``envelope``), one versioned payload model per event type
(``competition``, ``ordering``, ``delivery``, ``rating``), the registry mapping a CloudEvents
``type`` to its model (``registry``), a realistic example of every event (``examples``), the
published JSON Schema of every event (``schemas``) and the backward-compatibility rule the
published schemas obey (``compatibility``).

Outside systems subscribe to these events, so this package is a public API: add optional
fields freely; any other change is a new ``.v2`` type published beside ``.v1``. It depends on
pydantic only.
"""

from epurchasing_contracts.envelope import CloudEvent, EventPayload
from epurchasing_contracts.registry import (
    EVENT_MODELS,
    UnknownEventType,
    model_for,
    parse_event,
    parse_payload,
)

__all__ = [
    "EVENT_MODELS",
    "CloudEvent",
    "EventPayload",
    "UnknownEventType",
    "model_for",
    "parse_event",
    "parse_payload",
]
