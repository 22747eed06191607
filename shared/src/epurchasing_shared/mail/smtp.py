"""Sending one e-mail through SMTP with aiosmtplib (host, port, TLS mode, credentials, timeout,
sender), telling "certainly not delivered" (retried) from "maybe delivered" (never resent)."""

import asyncio
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Literal

import aiosmtplib

from epurchasing_shared.mail import MailDeliveryError, MailOutcomeUnknown, OutgoingMail

__all__ = ["SmtpConfig", "SmtpMailer"]

# The server certainly did not take the message: it could not be reached, or it answered
# with an error code (sender, recipient, data or authentication refused).
NOT_DELIVERED = (
    aiosmtplib.SMTPConnectError,
    aiosmtplib.SMTPResponseException,
    aiosmtplib.SMTPRecipientsRefused,
    aiosmtplib.SMTPNotSupported,
    ConnectionRefusedError,
    socket.gaierror,
)


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "127.0.0.1"
    port: int = 1025
    tls_mode: Literal["none", "starttls", "tls"] = "none"  # tls: implicit TLS (465)
    username: str | None = None
    password: str | None = None
    timeout_seconds: float = 15.0
    sender: str = "e-purchasing <no-reply@epurchasing.example>"

    @classmethod
    def of(cls, settings: Any) -> "SmtpConfig":
        """From a service's settings (``smtp_host``, ``smtp_port``, ``smtp_tls_mode``,
        ``smtp_username``, ``smtp_password``, ``smtp_timeout_seconds``, ``mail_sender``)."""
        secret = settings.smtp_password
        password = secret.get_secret_value() if secret is not None else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls_mode=settings.smtp_tls_mode,
            username=settings.smtp_username or None,  # empty in .env means none
            password=password or None,
            timeout_seconds=settings.smtp_timeout_seconds,
            sender=settings.mail_sender,
        )


class SmtpMailer:
    """The :class:`~epurchasing_shared.mail.Mailer` on a real SMTP server; ``config`` is an
    :class:`SmtpConfig` or a service's settings (read with :meth:`SmtpConfig.of`)."""

    def __init__(self, config: Any) -> None:
        self.config = config if isinstance(config, SmtpConfig) else SmtpConfig.of(config)
        self._local_hostname: str | None = None

    async def local_hostname(self) -> str:
        """The name this host gives in EHLO, looked up once: aiosmtplib would otherwise ask
        the resolver (``socket.getfqdn``, in a thread) for every e-mail."""
        if self._local_hostname is None:
            name = (await asyncio.to_thread(socket.getfqdn)).strip()
            # What aiosmtplib accepts on the EHLO line (it refuses a given name otherwise,
            # before connecting, and the e-mail would wrongly look possibly sent).
            fit = name.isascii() and not any(c.isspace() or ord(c) < 32 for c in name)
            self._local_hostname = name if name and fit else "localhost"
        return self._local_hostname

    def build(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        # A stable Message-ID: a resend after a crash is recognisable as the same message.
        message["Message-ID"] = mail.message_id
        message["Date"] = format_datetime(mail.date)
        message.set_content(mail.body)
        return message

    async def send(self, mail: OutgoingMail) -> str:
        """Send ``mail``; returns the server's reply. Raises :class:`MailDeliveryError`
        (:class:`MailOutcomeUnknown` when the server may have taken it)."""
        config = self.config
        try:
            message = self.build(mail)
        except ValueError as error:  # a header that cannot be written: certainly not sent
            raise MailDeliveryError(f"the message cannot be built: {error}"[:500]) from error
        try:
            _, reply = await aiosmtplib.send(
                message,
                hostname=config.host,
                port=config.port,
                local_hostname=await self.local_hostname(),
                username=config.username,
                password=config.password,
                use_tls=config.tls_mode == "tls",
                start_tls=config.tls_mode == "starttls",
                timeout=config.timeout_seconds,
            )
        except NOT_DELIVERED as error:
            raise MailDeliveryError(f"{type(error).__name__}: {error}"[:500]) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            # A timeout or disconnection mid-conversation: the message may have been taken.
            raise MailOutcomeUnknown(f"{type(error).__name__}: {error}"[:500]) from error
        return reply
