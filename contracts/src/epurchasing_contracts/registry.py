"""The one registry mapping event type <-> payload model, used by producers and consumers.

Every payload class with an ``event_type`` in the contract modules below is registered.
"""

from types import ModuleType

from epurchasing_contracts import competition, delivery, ordering, rating
from epurchasing_contracts.envelope import CloudEvent, EventPayload

CONTRACT_MODULES: tuple[ModuleType, ...] = (competition, ordering, delivery, rating)


class UnknownEventType(LookupError):
    pass


def _collect() -> dict[str, type[EventPayload]]:
    found: dict[str, type[EventPayload]] = {}
    for module in CONTRACT_MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EventPayload) and value.event_type:
                event_type = value.event_type
                if event_type in found and found[event_type] is not value:
                    raise RuntimeError(f"two models claim {event_type}")
                found[event_type] = value
    return found


EVENT_MODELS: dict[str, type[EventPayload]] = _collect()


def model_for(event_type: str) -> type[EventPayload]:
    try:
        return EVENT_MODELS[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def type_of(payload: EventPayload) -> str:
    event_type = type(payload).event_type
    if not event_type or EVENT_MODELS.get(event_type) is not type(payload):
        raise UnknownEventType(type(payload).__name__)
    return event_type


def parse_payload(event: CloudEvent) -> EventPayload:
    """The typed payload of an envelope; raises on an unknown type or invalid data."""
    return model_for(event.type).model_validate(event.data)


def parse_event(body: bytes | str) -> tuple[CloudEvent, EventPayload]:
    """A structured-mode CloudEvent (the AMQP message body) and its typed payload.

    Raises ``pydantic.ValidationError`` on an invalid envelope or payload and
    ``UnknownEventType`` on a type this version of the contracts does not know.
    """
    event = CloudEvent.model_validate_json(body)
    return event, parse_payload(event)
