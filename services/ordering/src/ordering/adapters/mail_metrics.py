"""The vendor mail queue at scrape time: e-mails by status, the age of the oldest waiting one,
and how many are being retried after a failed attempt (ServiceDefinition.metrics)."""

from collections.abc import Iterable
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from ordering.adapters.tables import vendor_emails

STATUSES = ("pending", "sending", "sent", "failed", "unconfirmed")


async def mail_queue_metrics(connection: AsyncConnection, now: datetime) -> Iterable[Metric]:
    table = vendor_emails
    by_status = dict(
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
        "Vendor e-mails by status (pending: waiting or retrying; sending: being sent; "
        "failed: given up; unconfirmed: an operator must check the mail server)",
        labels=["status"],
    )
    for status in sorted({*STATUSES, *by_status}):
        messages.add_metric([status], by_status.get(status, 0))
    age = GaugeMetricFamily(
        "epurchasing_mail_oldest_pending_seconds",
        "Age of the oldest vendor e-mail not sent yet (0 when none)",
    )
    age.add_metric([], (now - oldest).total_seconds() if oldest else 0.0)
    retries = GaugeMetricFamily(
        "epurchasing_mail_retrying",
        "Pending vendor e-mails whose last attempt failed (waiting for the next)",
    )
    retries.add_metric([], retrying)
    return [messages, age, retries]
