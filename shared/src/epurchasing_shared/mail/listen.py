"""Waking the mail sender when an e-mail is queued (``NOTIFY epurchasing_mail``)."""

from epurchasing_shared import notify
from epurchasing_shared.mail.sql import MAIL_NOTIFY_CHANNEL


class NotifyWakeup(notify.NotifyWakeup):
    """:class:`epurchasing_shared.notify.NotifyWakeup` on the mail outbox's channel."""

    def __init__(
        self,
        database_url: str,
        channel: str = MAIL_NOTIFY_CHANNEL,
        reconnect_seconds: float = 5.0,
    ) -> None:
        super().__init__(database_url, channel, reconnect_seconds)
