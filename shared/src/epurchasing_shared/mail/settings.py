"""The settings of a service that sends e-mail, read with the service's prefix
(``COMPETITION_SMTP_HOST``, ``ORDERING_MAIL_SENDER``, ``DELIVERY_TURN_EMAILS`` ...)."""

from typing import Literal

from pydantic import Field, SecretStr

from epurchasing_shared.mail import MailPolicy, MailRules
from epurchasing_shared.mail.smtp import SmtpConfig
from epurchasing_shared.settings import ServiceSettings


class MailSettings(ServiceSettings):
    # Outgoing mail. tls_mode: none (plain, e.g. Mailpit), starttls, or tls (implicit).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_tls_mode: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 15.0
    mail_sender: str = "e-purchasing <no-reply@epurchasing.example>"
    # The sender wakes on NOTIFY when an e-mail is queued; it also looks this often (retries
    # and lapsed claims come due without a NOTIFY).
    mail_poll_seconds: float = Field(default=5.0, gt=0)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_backoff_seconds: float = Field(default=30.0, ge=0)
    mail_backoff_max_seconds: float = Field(default=3600.0, ge=0)
    # A claimed e-mail still ``sending`` after this long is taken for abandoned by a crashed
    # sender and flagged ``unconfirmed`` (never re-sent automatically): keep it well above
    # the longest SMTP conversation (several smtp_timeout_seconds).
    mail_claim_seconds: float = Field(default=600.0, gt=0)
    # Due e-mails one process sends side by side (each claimed on its own: at most once).
    mail_concurrency: int = Field(default=4, ge=1, le=64)
    # Run the sender in this process (off: the e-mails wait for a replica that runs it).
    mail_sender_enabled: bool = True
    # "Your turn" e-mails at the hand-offs, and a reminder when a turn becomes overdue.
    turn_emails: bool = True
    overdue_reminders: bool = True

    def mail_policy(self) -> MailPolicy:
        return MailPolicy(
            max_attempts=self.mail_max_attempts,
            backoff_seconds=self.mail_backoff_seconds,
            backoff_max_seconds=self.mail_backoff_max_seconds,
            claim_seconds=self.mail_claim_seconds,
            poll_seconds=self.mail_poll_seconds,
            concurrency=self.mail_concurrency,
        )

    def mail_rules(self) -> MailRules:
        return MailRules(
            public_base_url=self.public_base_url,
            sender=self.mail_sender,
            turn_emails=self.turn_emails,
            overdue_reminders=self.overdue_reminders,
        )

    def smtp(self) -> SmtpConfig:
        return SmtpConfig.of(self)
