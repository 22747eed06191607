"""AsyncAPI 3.0 documents: the events one service publishes and consumes, and the catalogue of
every event for outside subscribers (``build_catalogue``).

Built from the contract registry and the topology (not from FastStream's publishers), because
events leave through the outbox relay, which FastStream's generator cannot see. Payload schemas
and the models they nest are hoisted into ``components/schemas`` so every ``$ref`` resolves.
"""

import html
import json
from typing import Any

from epurchasing_contracts.envelope import CONTENT_TYPE, EventPayload
from epurchasing_contracts.registry import EVENT_MODELS, model_for
from epurchasing_contracts.schemas import (
    describe,
    envelope_schema,
    example_message,
    payload_definitions,
    service_of,
    typed_envelope,
)
from epurchasing_shared.messaging.topology import ConsumerQueue, Topology

AMQP_BINDINGS = "0.3.0"
COMPONENT_REFS = "#/components/schemas/{model}"
Document = dict[str, Any]


def _key(name: str) -> str:
    return name.replace(".", "_")


def _message(event_type: str) -> Document:
    model = model_for(event_type)
    doc = (model.__doc__ or "").strip()
    return {
        "name": event_type,
        "title": model.__name__,
        "summary": doc.splitlines()[0] if doc else describe(event_type),
        "description": describe(event_type),
        "contentType": CONTENT_TYPE,
        "tags": [{"name": service_of(event_type)}],
        "headers": {
            "type": "object",
            "properties": {"traceparent": {"type": "string", "description": "W3C trace context."}},
        },
        "correlationId": {
            "description": "The procurement, also the AMQP correlation_id.",
            "location": "$message.payload#/procurementid",
        },
        "payload": {"$ref": f"#/components/schemas/{event_type}"},
        "bindings": {"amqp": {"messageType": event_type, "bindingVersion": AMQP_BINDINGS}},
        "examples": [
            {
                "name": _key(event_type),
                "summary": describe(event_type),
                "payload": example_message(event_type),
            }
        ],
    }


def _components(event_types: list[str]) -> Document:
    refs, definitions = payload_definitions([model_for(t) for t in event_types], COMPONENT_REFS)
    schemas: Document = {"CloudEvent": envelope_schema(), **definitions}
    for event_type in event_types:
        schemas[event_type] = typed_envelope(event_type, refs[event_type])
    return {
        "messages": {_key(t): _message(t) for t in event_types},
        "schemas": dict(sorted(schemas.items())),
    }


def _routing_key_channel(event_type: str, topology: Topology) -> Document:
    consumers = [
        topology.queue(c.service, c.purpose)
        for c in topology.consumers
        if event_type in c.event_types
    ]
    consumed = f" Consumed by {', '.join(consumers)}." if consumers else ""
    return {
        "address": event_type,
        "description": (
            f"Routing key {event_type} on the topic exchange {topology.exchange}.{consumed}"
        ),
        "messages": {_key(event_type): {"$ref": f"#/components/messages/{_key(event_type)}"}},
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": topology.exchange,
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDINGS,
            }
        },
    }


def _queue_binding(name: str) -> Document:
    return {"name": name, "durable": True, "exclusive": False, "autoDelete": False, "vhost": "/"}


def _queue_channel(consumer: ConsumerQueue, topology: Topology) -> Document:
    queue = topology.queue(consumer.service, consumer.purpose)
    return {
        "address": queue,
        "description": (
            f"Quorum queue with a single active consumer (one replica of "
            f"{consumer.service} at a time; each procurement's events applied in order), "
            f"bound to {', '.join(consumer.event_types)}; "
            f"dead letters to {topology.dead_letter_queue(queue)}."
        ),
        "messages": {
            _key(t): {"$ref": f"#/components/messages/{_key(t)}"} for t in consumer.event_types
        },
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": _queue_binding(queue),
                "bindingVersion": AMQP_BINDINGS,
            }
        },
    }


def _send(key: str) -> Document:
    return {
        "action": "send",
        "channel": {"$ref": f"#/channels/{key}"},
        "bindings": {
            "amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDINGS}
        },
    }


def _receive(key: str) -> Document:
    return {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{key}"},
        "bindings": {"amqp": {"ack": True, "bindingVersion": AMQP_BINDINGS}},
    }


def _document(
    info: Document, channels: Document, operations: Document, types: list[str]
) -> Document:
    return {
        "asyncapi": "3.0.0",
        "info": info,
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "rabbitmq": {
                "host": "localhost:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "The RabbitMQ broker of a local run (make run).",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": _components(types),
    }


def build_asyncapi(
    *,
    service: str,
    title: str,
    version: str,
    topology: Topology,
    publishes: list[type[EventPayload]],
) -> Document:
    channels: Document = {}
    operations: Document = {}
    types: list[str] = []
    for model in publishes:
        key = _key(model.event_type)
        types.append(model.event_type)
        channels[key] = _routing_key_channel(model.event_type, topology)
        operations[f"publish_{key}"] = _send(key)
    for consumer in topology.consumers:
        if consumer.service == service:
            key = _key(topology.queue(consumer.service, consumer.purpose))
            types += [t for t in consumer.event_types if t not in types]
            channels[key] = _queue_channel(consumer, topology)
            operations[f"receive_{key}"] = _receive(key)
    return _document({"title": title, "version": version}, channels, operations, types)


SUBSCRIBING = """\
Every event of the e-purchasing platform, for outside subscribers.

Each message is a CloudEvents 1.0 event in structured JSON mode (content type
`application/cloudevents+json`) published, persistent, on the durable topic exchange
`{exchange}` with the event `type` as routing key. To subscribe, declare a durable queue of
your own named `<your system>.<purpose>` (the `subscriber_queue` channel) and bind it to the
types you need (or a pattern such as `delivery.#`). Deliveries are at least once: deduplicate
on the event `id` (also the AMQP `message_id`); `procurementid` (also `correlation_id`) groups
the events of one procurement. Ignore fields you do not know. A `.vN` type never changes
incompatibly: a breaking change is a new `.vN+1` type published beside it.

The JSON Schema of each type is published under `docs/events/`; the Python models are the
`epurchasing-contracts` package (pydantic only).
"""


def build_catalogue(*, version: str, topology: Topology) -> Document:
    """The catalogue of every event type, the consumer queues and the subscribers' queue."""
    types = sorted(EVENT_MODELS)
    channels: Document = {_key(t): _routing_key_channel(t, topology) for t in types}
    operations: Document = {f"publish_{_key(t)}": _send(_key(t)) for t in types}
    for consumer in topology.consumers:
        key = _key(topology.queue(consumer.service, consumer.purpose))
        channels[key] = _queue_channel(consumer, topology)
        operations[f"receive_{key}"] = _receive(key)
    channels["subscriber_queue"] = {
        "address": "{system}.{purpose}",
        "title": "An outside subscriber's queue",
        "description": (
            f"A durable queue of an outside system, bound to {topology.exchange} "
            "with the routing keys (event types) it needs."
        ),
        "parameters": {
            "system": {
                "description": "The subscribing system, e.g. archive.",
                "examples": ["archive"],
            },
            "purpose": {
                "description": "What the queue feeds.",
                "examples": ["procurement_progress"],
            },
        },
        "messages": {_key(t): {"$ref": f"#/components/messages/{_key(t)}"} for t in types},
        "bindings": {
            "amqp": {
                "is": "queue",
                "queue": {
                    "name": "{system}.{purpose}",
                    "durable": True,
                    "exclusive": False,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDINGS,
            }
        },
    }
    info = {
        "title": "E-purchasing events",
        "version": version,
        "description": SUBSCRIBING.format(exchange=topology.exchange),
    }
    return _document(info, channels, operations, types)


def render_asyncapi_html(document: Document) -> str:
    rows = []
    for channel in document["channels"].values():
        names = ", ".join(channel["messages"])
        rows.append(
            f"<tr><td><code>{html.escape(channel['address'])}</code></td>"
            f"<td>{html.escape(channel['description'])}</td><td>{html.escape(names)}</td></tr>"
        )
    body = json.dumps(document, indent=2)
    title = html.escape(document["info"]["title"])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title} — AsyncAPI {document['asyncapi']}</h1>"
        "<p>Machine-readable: <a href='asyncapi.json'>asyncapi.json</a></p>"
        "<table border='1' cellpadding='4'><tr><th>channel</th><th>what</th><th>messages</th></tr>"
        + "".join(rows)
        + f"</table><h2>Document</h2><pre>{html.escape(body)}</pre></body></html>"
    )
