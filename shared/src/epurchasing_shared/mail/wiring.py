"""What a service's composition root adds to send mail: the sender as a background task
(woken by NOTIFY, SMTP from the settings) and the mail outbox's gauges."""

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from prometheus_client.core import Metric
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.mail.listen import NotifyWakeup
from epurchasing_shared.mail.metrics import mail_queue_metrics
from epurchasing_shared.mail.sender import MailSender, OutboxOf, RecordOutcome
from epurchasing_shared.mail.settings import MailSettings
from epurchasing_shared.mail.smtp import SmtpMailer


def mail_sender(
    runtime: Any,
    unit_of_work: Callable[[Caller], UnitOfWork],
    *,
    outbox: OutboxOf,
    record: RecordOutcome,
    name: str,
) -> MailSender:
    settings = runtime.settings
    assert isinstance(settings, MailSettings)
    return MailSender(
        unit_of_work=unit_of_work,
        mailer=SmtpMailer(settings.smtp()),
        policy=settings.mail_policy(),
        outbox=outbox,
        record=record,
        name=name,
    )


def mail_sender_tasks(
    runtime: Any,
    unit_of_work: Callable[[Caller], UnitOfWork],
    *,
    outbox: OutboxOf,
    record: RecordOutcome,
    name: str,
) -> list[Callable[[], Coroutine[Any, Any, None]]]:
    """``ServiceDefinition.background`` tasks: the sender, woken by ``NOTIFY`` (none when
    the settings' ``mail_sender_enabled`` is off in this process)."""
    if not runtime.settings.mail_sender_enabled:
        return []
    sender = mail_sender(runtime, unit_of_work, outbox=outbox, record=record, name=name)

    async def run() -> None:
        async with NotifyWakeup(runtime.settings.database_url) as wakeup:
            await sender.run(wakeup)

    return [run]


def mail_probe(
    runtime: Any, table: Table
) -> Callable[[AsyncConnection], Coroutine[Any, Any, Iterable[Metric]]]:
    """A ``ServiceDefinition.metrics`` probe of the mail outbox ``table``."""

    async def probe(connection: AsyncConnection) -> Iterable[Metric]:
        return await mail_queue_metrics(connection, table, runtime.clock.now())

    return probe
