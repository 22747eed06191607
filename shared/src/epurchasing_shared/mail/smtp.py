"""Sending one e-mail through SMTP with aiosmtplib (host, port, TLS mode, credentials, timeout,
sender), telling "certainly not delivered" (retried) from "maybe delivered" (never resent)."""

import asyncio
import functools
import re
import socket
from dataclasses import dataclass
from email import charset, quoprimime
from email.header import Header
from email.message import EmailMessage, Message
from email.utils import format_datetime, formataddr, getaddresses
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

# What no header value may hold, anywhere: a line break (CR, LF, and the other characters
# str.splitlines breaks at, which the default policy refuses too) or a lone surrogate.
REFUSED = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029\ud800-\udfff]")
# The generator aiosmtplib uses for a Message (compat32) writes a body line "From ..." as
# ">From ...": such a line goes as "=46rom ..." (quoted-printable for the same "F"), two
# characters longer, so the encoder's lines are kept to 74 (RFC 2045: 76 at most).
FROM_LINE = re.compile("^From ", re.MULTILINE)
ENCODED_LINE = 74
# UTF-8 in base64 encoded words, for a subject: "shortest" (the default for UTF-8) sizes up
# quoted-printable too, character by character, at three times the cost.
UTF8_BASE64 = charset.Charset("utf-8")
UTF8_BASE64.header_encoding = charset.BASE64


@functools.lru_cache(maxsize=1024)  # the sender is the same for every e-mail
def mailbox(field: str, value: str) -> str | None:
    """``value``, which must be one address, as a header writes it (a non-ASCII display name
    as RFC 2047 encoded words); None when the address needs SMTPUTF8 (is not ASCII)."""
    found = getaddresses([value])
    if len(found) != 1 or "@" not in found[0][1]:
        raise ValueError(f"{field} is not one address")
    name, address = found[0]
    if not address.isascii():
        return None
    if name.isascii():
        return formataddr((name, address))
    # The shorter of base64 and quoted-printable: a display name in as few encoded words as
    # it can be (the default policy reads a space between two, where RFC 2047 reads none).
    return f"{encoded_words(field, name, 'utf-8')} <{address}>"


def encoded_words(field: str, text: str, encoding: str | charset.Charset = UTF8_BASE64) -> str:
    """``text`` as RFC 2047 encoded words (UTF-8) of 75 characters at most, a space apart,
    the first one short enough to follow the field's name on its line."""
    return Header(text, encoding, header_name=field).encode(linesep="", maxlinelen=75)


def text_header(field: str, value: str) -> str:
    """Plain printable ASCII in words that fit a line as it is, anything else as encoded
    words (also text that looks like them, which a receiver would otherwise decode)."""
    plain = value.isascii() and value.isprintable() and "=?" not in value
    if plain and all(len(word) < 78 for word in value.split()):
        return value
    return encoded_words(field, value)


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

    def build(self, mail: OutgoingMail) -> Message:
        """The message of ``mail``, its body quoted-printable UTF-8 (lines of 76 at most);
        ``ValueError`` when it cannot be written: a header value with a line break or a lone
        surrogate, an address that is not one address, a non-ASCII Message-ID. A compat32
        :class:`~email.message.Message`: an :class:`~email.message.EmailMessage` (default
        policy) parses every header it is given and costs about five times as much, built
        and flattened. That is kept for an address that needs SMTPUTF8 (non-ASCII before
        the domain or in it), whose headers only it writes as UTF-8."""
        sender, recipient = self.config.sender, mail.recipient
        headers = {"From": sender, "To": recipient, "Subject": mail.subject}
        headers["Message-ID"] = mail.message_id
        for field, value in headers.items():
            if REFUSED.search(value):
                raise ValueError(f"{field} holds a line break or a lone surrogate")
        from_header, to_header = mailbox("From", sender), mailbox("To", recipient)
        if from_header is None or to_header is None:
            return self.build_smtputf8(mail)
        if not mail.message_id.isascii():
            raise ValueError("the Message-ID is not ASCII")
        body = b"\n".join(mail.body.encode("utf-8").splitlines()) + b"\n"
        message: Message[str, str | Header] = Message()
        message["From"] = from_header
        message["To"] = to_header
        message["Subject"] = text_header("Subject", mail.subject)
        # A stable Message-ID: a resend after a crash is recognisable as the same message.
        # (A Header: the generator would fold a long str onto a line of its own.)
        message["Message-ID"] = Header(mail.message_id)
        message["Date"] = format_datetime(mail.date)
        message["Content-Type"] = 'text/plain; charset="utf-8"'
        message["Content-Transfer-Encoding"] = "quoted-printable"
        message["MIME-Version"] = "1.0"
        # The standard library's quoted-printable encoder, on the bytes.
        encoded = quoprimime.body_encode(body.decode("latin-1"), maxlinelen=ENCODED_LINE)
        message.set_payload(FROM_LINE.sub("=46rom ", encoded))
        return message

    def build_smtputf8(self, mail: OutgoingMail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = mail.recipient
        message["Subject"] = mail.subject
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
