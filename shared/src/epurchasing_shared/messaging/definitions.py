"""The topology as a RabbitMQ definitions file for operators: ``deploy/rabbitmq/definitions.json``.

Generated from the same :class:`Topology` the services declare at start-up, so the two never
disagree; ``python -m epurchasing_shared.messaging.definitions > deploy/rabbitmq/definitions.json``.
"""

import json
import sys
from typing import Any

from epurchasing_shared.messaging.topology import DEAD_LETTER_QUEUE_ARGUMENTS, Topology


def definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    exchanges = [
        {"name": topology.unrouted_exchange, "type": "fanout", "arguments": {}},
        {
            "name": topology.exchange,
            "type": "topic",
            "arguments": {"alternate-exchange": topology.unrouted_exchange},
        },
        {"name": topology.dead_letter_exchange, "type": "direct", "arguments": {}},
    ]
    queues = [
        {
            "name": topology.unrouted_queue,
            "arguments": {"x-max-length": topology.unrouted_max_length, "x-overflow": "drop-head"},
        }
    ]
    bindings = [(topology.unrouted_exchange, topology.unrouted_queue, "")]
    for consumer in topology.consumers:
        name = topology.queue(consumer.service, consumer.purpose)
        dead = topology.dead_letter_queue(name)
        queues.append({"name": dead, "arguments": dict(DEAD_LETTER_QUEUE_ARGUMENTS)})
        queues.append({"name": name, "arguments": topology.queue_arguments(name)})
        bindings.append(
            (topology.dead_letter_exchange, dead, topology.dead_letter_routing_key(name))
        )
        bindings += [(topology.exchange, name, t) for t in consumer.event_types]
    return {
        "exchanges": [
            {**e, "vhost": vhost, "durable": True, "auto_delete": False, "internal": False}
            for e in exchanges
        ],
        "queues": [{**q, "vhost": vhost, "durable": True, "auto_delete": False} for q in queues],
        "bindings": [
            {
                "source": source,
                "vhost": vhost,
                "destination": destination,
                "destination_type": "queue",
                "routing_key": key,
                "arguments": {},
            }
            for source, destination, key in bindings
        ],
    }


if __name__ == "__main__":
    json.dump(definitions(Topology()), sys.stdout, indent=2)
    sys.stdout.write("\n")
