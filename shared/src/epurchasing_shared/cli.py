"""``epurchasing``: operator and developer commands shared by every service.

- ``epurchasing mint-token --role ppk --sub ppk-1 --work-unit dinkes`` prints a development JWT;
- ``epurchasing dlq list|show|replay --queue competition.on_blacklist`` handles dead letters.

Each service has its own entry point (``python -m competition serve|migrate``).
"""

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from epurchasing_shared.auth import Role, mint_token
from epurchasing_shared.messaging.topology import Topology
from epurchasing_shared.settings import ServiceSettings


def _mint(args: argparse.Namespace) -> None:
    settings = ServiceSettings()
    print(
        mint_token(
            settings,
            sub=args.sub,
            role=args.role,
            name=args.name,
            email=args.email,
            work_unit=args.work_unit,
            vendor_id=args.vendor_id,
        )
    )


async def _dead_letters(args: argparse.Namespace) -> None:
    settings = ServiceSettings()
    topology = Topology(prefix=settings.topology_prefix)
    queue_name = topology.dead_letter_queue(topology.prefix + args.queue)
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.get_queue(queue_name, ensure=True)
        events = await channel.get_exchange(topology.exchange)
        # Take the messages without acknowledging them: those not replayed go back to the
        # DLQ when the channel closes, so list and show change nothing.
        taken: list[AbstractIncomingMessage] = []
        while args.limit is None or len(taken) < args.limit:
            message = await queue.get(fail=False, no_ack=False)
            if message is None:
                break
            taken.append(message)
        for message in taken:
            if args.message_id not in (None, message.message_id):
                continue
            if args.action == "replay":
                await events.publish(
                    aio_pika.Message(
                        body=message.body,
                        content_type=message.content_type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        message_id=message.message_id,
                        correlation_id=message.correlation_id,
                        type=message.type,
                    ),
                    routing_key=original_routing_key(message),
                    mandatory=True,
                )
                await message.ack()
                print(f"replayed {message.message_id} ({message.type})")
            elif args.action == "list":
                reason = message.headers.get("x-first-death-reason", "")
                print(f"{message.message_id}\t{original_routing_key(message)}\t{reason!s}")
            else:
                print(_readable(message.body))


def original_routing_key(message: AbstractIncomingMessage) -> str:
    """The event type it was first published with (RabbitMQ's ``x-death`` header keeps it)."""
    deaths = message.headers.get("x-death")
    if isinstance(deaths, list) and deaths and isinstance(deaths[-1], dict):
        keys = deaths[-1].get("routing-keys")
        if isinstance(keys, list) and keys:
            return str(keys[0])
    return message.type or ""


def _readable(body: bytes) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:  # a poison message need not be JSON
        return body.decode(errors="replace")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="epurchasing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    mint = commands.add_parser("mint-token", help="print a development JWT (HS256)")
    mint.add_argument("--role", required=True, choices=[r.value for r in Role])
    mint.add_argument("--sub", required=True, help="user id")
    mint.add_argument("--name")
    mint.add_argument("--email")
    mint.add_argument("--work-unit", help="required for ppk and procurement_official")
    mint.add_argument("--vendor-id", help="required for vendor")
    mint.set_defaults(run=_mint)

    dlq = commands.add_parser(
        "dlq", help="list, show or replay the dead letters of a consumer queue"
    )
    dlq.add_argument("action", choices=["list", "show", "replay"])
    dlq.add_argument(
        "--queue",
        required=True,
        help="consumer queue without prefix, e.g. ordering.on_package_generated",
    )
    dlq.add_argument("--message-id")
    dlq.add_argument("--limit", type=int)
    dlq.set_defaults(run=lambda args: asyncio.run(_dead_letters(args)))

    args = parser.parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        sys.exit(f"epurchasing: {error}")


def service_main(
    *,
    name: str,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations_dir: Path,
    argv: Sequence[str] | None = None,
) -> None:
    """``python -m <service> serve|migrate``: the one entry point of local runs and containers."""
    from epurchasing_shared.migrations import migrate

    parser = argparse.ArgumentParser(prog=name)
    parser.add_argument("command", choices=["serve", "migrate", "migrate-and-serve"])
    args = parser.parse_args(argv)
    settings = settings_factory()
    if args.command in ("migrate", "migrate-and-serve"):
        asyncio.run(migrate(migrations_dir, settings.database_url))
        print(f"{name}: database migrated")
    if args.command in ("serve", "migrate-and-serve"):
        import uvicorn

        # uvicorn re-raises Ctrl-C after its graceful shutdown: that is a clean stop.
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.run(
                app_factory, factory=True, host="0.0.0.0", port=settings.port, log_level="info"
            )
