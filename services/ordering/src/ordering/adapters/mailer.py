"""Sending one e-mail through SMTP with aiosmtplib (host, port, TLS mode, credentials)."""

import socket
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from ordering.application.ports import MailDeliveryError, MailOutcomeUnknown, OutgoingMail
from ordering.settings import OrderingSettings

__all__ = ["MailDeliveryError", "MailOutcomeUnknown", "OutgoingMail", "SmtpMailer"]

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


class SmtpMailer:
    def __init__(self, settings: OrderingSettings) -> None:
        self._settings = settings

    def build(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.mail_sender
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
        # A stable Message-ID: a resend after a crash is recognisable as the same message.
        message["Message-ID"] = mail.message_id
        message["Date"] = format_datetime(mail.date)
        message.set_content(mail.body)
        return message

    async def send(self, mail: OutgoingMail) -> str:
        """Send ``mail``; returns the server's reply. Raises :class:`MailDeliveryError`."""
        settings = self._settings
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        password = password or None
        try:
            _, reply = await aiosmtplib.send(
                self.build(mail),
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username or None,  # empty in .env means none
                password=password,
                use_tls=settings.smtp_tls_mode == "tls",
                start_tls=settings.smtp_tls_mode == "starttls",
                timeout=settings.smtp_timeout_seconds,
            )
        except NOT_DELIVERED as error:
            raise MailDeliveryError(f"{type(error).__name__}: {error}"[:500]) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            # A timeout or disconnection mid-conversation: the message may have been taken.
            raise MailOutcomeUnknown(f"{type(error).__name__}: {error}"[:500]) from error
        return reply
