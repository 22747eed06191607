"""The published JSON Schema of every event: the CloudEvents envelope narrowed to one type.

Schemas describe the message as sent (pydantic's serialization mode). Nested models are
definitions referenced through ``ref_template``: ``#/$defs/{model}`` in a standalone schema
file, ``#/components/schemas/{model}`` in an AsyncAPI document.
"""

from collections.abc import Iterable
from copy import deepcopy
from typing import Any

from pydantic.json_schema import models_json_schema

from epurchasing_contracts.envelope import CloudEvent, EventPayload
from epurchasing_contracts.examples import example_event, example_of
from epurchasing_contracts.registry import model_for

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
STANDALONE_REFS = "#/$defs/{model}"
# Attributes every message carries; the others are left out when they have no value.
ENVELOPE_REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype", "data")

Schema = dict[str, Any]


def envelope_schema() -> Schema:
    """The envelope every event shares (``data`` is any object)."""
    schema = CloudEvent.model_json_schema(mode="serialization")
    schema["required"] = list(ENVELOPE_REQUIRED)
    return schema


def payload_definitions(
    models: Iterable[type[EventPayload]], ref_template: str
) -> tuple[dict[str, Schema], dict[str, Schema]]:
    """A reference to each payload model (by event type) and the definitions they need."""
    unique = list(dict.fromkeys(models))
    keys, top = models_json_schema(
        [(model, "serialization") for model in unique], ref_template=ref_template
    )
    refs = {model.event_type: keys[(model, "serialization")] for model in unique}
    return refs, top.get("$defs", {})


def service_of(event_type: str) -> str:
    return event_type.split(".", 1)[0]


def describe(event_type: str) -> str:
    example = example_of(event_type)
    return (
        f"{example.summary} Published by the {service_of(event_type)} service, "
        f"SOP step {example.sop_step}."
    )


def example_message(event_type: str) -> dict[str, Any]:
    """The example event as it travels (JSON, attributes without a value left out)."""
    return example_event(event_type).model_dump(mode="json", exclude_none=True)


def typed_envelope(event_type: str, data_ref: Schema) -> Schema:
    """The envelope of one event type: fixed ``type`` and ``source``, ``data`` its payload."""
    schema = envelope_schema()
    properties = schema["properties"]
    properties["type"] = {**properties["type"], "const": event_type}
    source = f"/epurchasing/{service_of(event_type)}"
    properties["source"] = {**properties["source"], "const": source}
    properties["data"] = {**data_ref, "description": properties["data"]["description"]}
    schema["title"] = event_type
    schema["description"] = describe(event_type)
    return schema


def event_schema(event_type: str) -> Schema:
    """The standalone JSON Schema (2020-12) of one event type, with its example."""
    refs, definitions = payload_definitions([model_for(event_type)], STANDALONE_REFS)
    schema = typed_envelope(event_type, refs[event_type])
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:epurchasing:events:{event_type}",
        **schema,
        "examples": [example_message(event_type)],
        "$defs": deepcopy(definitions),
    }
