"""``epurchasing``: operator and developer commands shared by every service.

- ``epurchasing mint-token --role ppk --sub ppk-1 --work-unit dinkes`` prints a development JWT;
- ``epurchasing dlq list|show|replay|purge --queue competition.on_blacklist`` handles dead
  letters (replay goes to that queue only; purge asks first unless ``--yes``);
- ``epurchasing timeline <procurement>``, ``epurchasing report late --from --to``,
  ``epurchasing verify-history --service S``: accountability (docs/time-standards.md).

Each service has its own entry point (``python -m competition serve|migrate``).
"""

import argparse
import asyncio
import contextlib
import gc
import importlib
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from epurchasing_shared.auth import Role, mint_token
from epurchasing_shared.logs import configure_logging
from epurchasing_shared.messaging.topology import QUEUE_SUFFIX, Topology
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
    # The consumer (``service.purpose``); its queue is ``service.purpose.sac`` (either is
    # accepted), its DLQ ``service.purpose.dlq``.
    service, _, purpose = args.queue.removesuffix(QUEUE_SUFFIX).partition(".")
    failing_queue = topology.queue(service, purpose)
    queue_name = topology.dead_letter_queue(failing_queue)
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.get_queue(queue_name, ensure=True)
        if args.action == "purge":
            await _purge(queue, queue_name, confirmed=args.yes)
            return
        # Take the messages without acknowledging them: those not replayed go back to the
        # DLQ, in their order, when the channel closes, so list and show change nothing (the
        # DLQs are classic queues: no delivery limit can drop what is returned to them).
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
                await _replay(channel, message, failing_queue)
            elif args.action == "list":
                reason = message.headers.get("x-first-death-reason", "")
                replays = message.headers.get(REPLAY_COUNT, 0)
                print(
                    f"{message.message_id}\t{original_routing_key(message)}\t{reason!s}"
                    f"\treplayed {replays!s}x"
                )
            else:
                print(_readable(message.body))


REPLAY_COUNT = "x-epurchasing-replay-count"


async def _replay(
    channel: aio_pika.abc.AbstractChannel, message: AbstractIncomingMessage, failing_queue: str
) -> None:
    """Send the message back to the one queue that failed it (through the default exchange,
    by the queue's name), not to the events exchange: other consumers of the same event type
    and outside subscribers have it already and must not get it again."""
    headers = dict(message.headers)
    previous = headers.get(REPLAY_COUNT, 0)
    headers[REPLAY_COUNT] = (previous if isinstance(previous, int) else 0) + 1
    await channel.default_exchange.publish(
        aio_pika.Message(
            body=message.body,
            headers=headers,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            type=message.type,
            timestamp=message.timestamp,
        ),
        routing_key=failing_queue,
        mandatory=True,
    )
    await message.ack()
    print(f"replayed {message.message_id} ({message.type}) to {failing_queue}")


async def _purge(queue: aio_pika.abc.AbstractQueue, name: str, *, confirmed: bool) -> None:
    count = queue.declaration_result.message_count
    if not confirmed:
        question = f"delete the {count} dead letters of {name} for good? type 'purge': "
        answer = await asyncio.to_thread(input, question)
        if answer.strip() != "purge":
            raise ValueError("not purged")
    await queue.purge()
    print(f"purged {count} dead letters from {name}")


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
        "dlq", help="list, show, replay (to the failing queue only) or purge dead letters"
    )
    dlq.add_argument("action", choices=["list", "show", "replay", "purge"])
    dlq.add_argument(
        "--queue",
        required=True,
        help="the consumer without prefix, e.g. ordering.on_package_generated (its queue is "
        "ordering.on_package_generated.sac)",
    )
    dlq.add_argument("--message-id")
    dlq.add_argument("--limit", type=int)
    dlq.add_argument("--yes", action="store_true", help="purge without asking")
    dlq.set_defaults(run=lambda args: asyncio.run(_dead_letters(args)))

    _add_accountability_commands(commands)

    args = parser.parse_args(argv)
    try:
        args.run(args)
    except ValueError as error:
        sys.exit(f"epurchasing: {error}")


def _add_accountability_commands(commands: Any) -> None:
    """timeline, report late, verify-history (docs/time-standards.md)."""
    from epurchasing_shared import accountability as acc

    timeline = commands.add_parser(
        "timeline", help="one procurement's steps across the four services, in time order"
    )
    timeline.add_argument("procurement_id")
    acc.add_base_url_options(timeline)
    timeline.set_defaults(run=acc.run_timeline)

    report = commands.add_parser("report", help="accountability reports (CSV)")
    report.add_argument("kind", choices=["late"])
    report.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD (turn started)")
    report.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD, inclusive")
    report.add_argument("--work-unit")
    acc.add_base_url_options(report)
    report.set_defaults(run=acc.run_report_late)

    verify = commands.add_parser(
        "verify-history", help="check a service's hash-chained history; exit 1 if it broke"
    )
    verify.add_argument("--service", required=True, choices=acc.SERVICES)
    verify.add_argument("--database-url", help="default: the service's own setting")
    verify.set_defaults(
        run=lambda args: sys.exit(acc.verify_history(args.service, args.database_url))
    )


def service_main(
    *,
    name: str,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations_dir: Path,
    argv: Sequence[str] | None = None,
) -> None:
    """``python -m <service> serve|migrate``: the one entry point of local runs and containers.

    ``serve`` refuses the development JWT secret (or a short one) unless ``DEVELOPMENT_MODE``
    is set; every command first waits for PostgreSQL (and ``serve`` for RabbitMQ), saying in
    one line per attempt what it cannot reach. ``migrate-and-serve`` runs Alembic only when
    the database is not at the scripts' head, and then in a forked child: the process that
    serves never loads it."""
    from epurchasing_shared.migrations import database_at_head, migrate
    from epurchasing_shared.startup import settings_refusal, wait_for_broker, wait_for_database

    parser = argparse.ArgumentParser(prog=name)
    parser.add_argument("command", choices=["serve", "migrate", "migrate-and-serve"])
    args = parser.parse_args(argv)
    settings = settings_factory()
    configure_logging(name, json=settings.log_format == "json", level=settings.log_level)
    serving = args.command in ("serve", "migrate-and-serve")
    if serving and (refusal := settings_refusal(settings)) is not None:
        sys.exit(f"{name}: refusing to start: {refusal}")
    try:
        asyncio.run(wait_for_database(settings.database_url))
        if serving:
            asyncio.run(wait_for_broker(settings.amqp_url))
    except KeyboardInterrupt:
        sys.exit(f"{name}: interrupted while waiting for PostgreSQL or RabbitMQ")
    if args.command == "migrate":
        gc.enable()  # off for a start (the service's __main__); a one-off migration is not one
        asyncio.run(migrate(migrations_dir, settings.database_url))
        print(f"{name}: database migrated", flush=True)
    elif args.command == "migrate-and-serve":
        if not asyncio.run(database_at_head(migrations_dir, settings.database_url)):
            _migrate_aside(
                name,
                lambda: asyncio.run(migrate(migrations_dir, settings.database_url)),
                meanwhile=lambda: _preload(app_factory),
            )
        print(f"{name}: database migrated", flush=True)
    if args.command in ("serve", "migrate-and-serve"):
        import uvicorn

        from epurchasing_shared import service
        from epurchasing_shared.http.server import BoundedHttpToolsProtocol

        service.FREEZE_HEAP_AFTER_START = True

        # uvicorn re-raises Ctrl-C after its graceful shutdown: that is a clean stop.
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.run(
                app_factory,
                factory=True,
                host=settings.bind_host,
                port=settings.port,
                log_config=None,  # configure_logging's handler, not uvicorn's own
                log_level=settings.log_level.lower(),
                server_header=False,
                date_header=True,
                # C event loop and HTTP parser instead of asyncio's loop and h11: 4-8 % less
                # CPU per procurement (docs/performance.md, fourth round).
                loop="uvloop",
                http=BoundedHttpToolsProtocol,  # httptools, with h11's bound on the head
            )


def _migrate_aside(name: str, run: Callable[[], None], *, meanwhile: Callable[[], None]) -> None:
    """``migrate-and-serve``'s migrations: ``run`` in a forked child while this process does
    ``meanwhile`` (imports the app), so that Alembic, Mako and the migration scripts (~8 MB,
    never used again) are not loaded into the process that serves; raises ``SystemExit`` when
    they failed (the child prints the traceback). Where forking is not safe (not Linux, or
    threads running) the migrations run here, as ``migrate`` does."""
    if sys.platform != "linux" or threading.active_count() > 1:
        run()
        meanwhile()
        return
    sys.stdout.flush()  # what is buffered would be written twice, by each process
    sys.stderr.flush()
    child = os.fork()
    if child == 0:  # the child: migrate, then leave without the parent's exit handlers
        status = 0
        try:
            run()
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)
    try:
        meanwhile()
    finally:
        _, wait_status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    if code != 0:
        sys.exit(f"{name}: the migrations failed (exit status {code})")


def _preload(app_factory: str) -> None:
    """Import uvicorn and the app factory's module (``module:function``) ahead of serving; an
    error is left for uvicorn to report when it loads the factory, as it would have."""
    with contextlib.suppress(Exception):
        import uvicorn  # noqa: F401

        importlib.import_module(app_factory.partition(":")[0])
