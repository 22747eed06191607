"""The AsyncAPI 3.0 document of the events one service publishes and consumes.

Built from the contract registry and the topology (not from FastStream's publishers), because
events leave through the outbox relay, which FastStream's generator cannot see.
"""

import html
import json
from typing import Any

from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.registry import model_for
from epurchasing_shared.messaging.topology import Topology


def _message(event_type: str) -> dict[str, Any]:
    model = model_for(event_type)
    return {
        "name": event_type,
        "title": model.__name__,
        "summary": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else event_type,
        "contentType": "application/cloudevents+json",
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {"type": "object", "properties": {"data": model.model_json_schema()}},
            ]
        },
    }


def build_asyncapi(
    *,
    service: str,
    title: str,
    version: str,
    topology: Topology,
    publishes: list[type[EventPayload]],
) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for model in publishes:
        event_type = model.event_type
        key = event_type.replace(".", "_")
        messages[key] = _message(event_type)
        channels[key] = {
            "address": event_type,
            "description": f"Routing key {event_type} on the topic exchange {topology.exchange}.",
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": topology.exchange, "type": "topic", "durable": True},
                }
            },
        }
        operations[f"publish_{key}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{key}"},
            "bindings": {"amqp": {"deliveryMode": 2, "mandatory": True}},
        }
    for consumer in topology.consumers:
        if consumer.service != service:
            continue
        queue = topology.queue(consumer.service, consumer.purpose)
        key = queue.replace(".", "_")
        refs = {}
        for event_type in consumer.event_types:
            message_key = event_type.replace(".", "_")
            messages[message_key] = _message(event_type)
            refs[message_key] = {"$ref": f"#/components/messages/{message_key}"}
        channels[key] = {
            "address": queue,
            "description": (
                f"Quorum queue bound to {', '.join(consumer.event_types)}; "
                f"dead letters to {topology.dead_letter_queue(queue)}."
            ),
            "messages": refs,
            "bindings": {"amqp": {"is": "queue", "queue": {"name": queue, "durable": True}}},
        }
        operations[f"receive_{key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": title, "version": version},
        "defaultContentType": "application/cloudevents+json",
        "servers": {"rabbitmq": {"host": "localhost:5672", "protocol": "amqp"}},
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {"CloudEvent": CloudEvent.model_json_schema()},
        },
    }


def render_asyncapi_html(document: dict[str, Any]) -> str:
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
