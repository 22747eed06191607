"""A service's mail outbox at scrape time (``ServiceDefinition.metrics``): e-mails by status,
the age of the oldest waiting one, and how many are being retried after a failed attempt."""

from collections.abc import Iterable
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.mail import STATUSES


async def mail_queue_metrics(
    connection: AsyncConnection, table: Table, now: datetime
) -> Iterable[Metric]:
    by_status: dict[str, int] = dict(
        (
            await connection.execute(select(table.c.status, func.count()).group_by(table.c.status))
        ).all()
    )
    oldest, retrying = (
        await connection.execute(
            select(
                func.min(table.c.created_at),
                func.count().filter(table.c.attempts > 0),
            ).where(table.c.status == "pending")
        )
    ).one()
    messages = GaugeMetricFamily(
        "epurchasing_mail_messages",
        "E-mails of the service's mail outbox by status (pending: waiting or retrying; "
        "sending: being sent; failed: given up; unconfirmed: an operator must check the mail "
        "server)",
        labels=["status"],
    )
    for status in sorted({*STATUSES, *by_status}):
        messages.add_metric([status], by_status.get(status, 0))
    age = GaugeMetricFamily(
        "epurchasing_mail_oldest_pending_seconds",
        "Age of the oldest e-mail not sent yet (0 when none)",
    )
    age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
    retries = GaugeMetricFamily(
        "epurchasing_mail_retrying",
        "Pending e-mails whose last attempt failed (waiting for the next)",
    )
    retries.add_metric([], retrying)
    return [messages, age, retries]
