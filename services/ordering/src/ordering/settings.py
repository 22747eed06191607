"""Settings of the ordering service: its own knobs are read with the ``ORDERING_`` prefix."""

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.settings import ServiceSettings
from ordering.application.ports import MailPolicy, OrderingRules


class OrderingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERING_", extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_ordering"
    document_root: str = "var/documents/ordering"
    port: int = 8002

    # Outgoing mail (step 15). tls_mode: none (plain, e.g. Mailpit), starttls, or tls (implicit).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_tls_mode: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 15.0
    mail_sender: str = "e-purchasing <no-reply@epurchasing.example>"
    mail_poll_seconds: float = Field(default=2.0, gt=0)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_backoff_seconds: float = Field(default=30.0, ge=0)
    mail_backoff_max_seconds: float = Field(default=3600.0, ge=0)
    # A claimed e-mail still ``sending`` after this long is taken for abandoned by a crashed
    # sender and flagged ``unconfirmed`` (never re-sent automatically): keep it well above
    # the longest SMTP conversation (several smtp_timeout_seconds).
    mail_claim_seconds: float = Field(default=600.0, gt=0)

    # Purchase order (step 21) and addenda (24a).
    order_number_format: str = "SP/{work_unit}/{year}/{seq:04d}"
    addendum_max_increase_percent: int = Field(default=10, ge=0)

    # Automatic consequences of an overdue turn (application/overdue.py), each switchable:
    # the PPK's review (20) past 3 working days cancels the package (LKPP's rule); a vendor
    # not answering a proposal (17) or not approving (18) in time: no LKPP rule found, off.
    auto_cancel_ppk_review: bool = True
    auto_cancel_vendor_answer: bool = False
    auto_cancel_vendor_approval: bool = False
    # "Your turn" e-mails at the hand-offs (17, 19, 21) and a reminder when a turn is overdue.
    turn_emails: bool = True
    overdue_reminders: bool = True

    # The letterhead of the generated Surat Pesanan: the government, the city of the date line,
    # and each work unit's name by its code (JSON, e.g. {"dinkes": "Dinas Kesehatan"}).
    letter_government: str = "PEMERINTAH KABUPATEN MOJOKERTO"
    letter_city: str = "Mojokerto"
    work_unit_names: dict[str, str] = Field(default_factory=dict)

    def rules(self) -> OrderingRules:
        """What the use cases apply, as plain values."""
        return OrderingRules(
            order_number_format=self.order_number_format,
            addendum_max_increase_percent=self.addendum_max_increase_percent,
            zone=self.zone,
            public_base_url=self.public_base_url,
            mail_sender=self.mail_sender,
            auto_cancel_ppk_review=self.auto_cancel_ppk_review,
            auto_cancel_vendor_answer=self.auto_cancel_vendor_answer,
            auto_cancel_vendor_approval=self.auto_cancel_vendor_approval,
            turn_emails=self.turn_emails,
            overdue_reminders=self.overdue_reminders,
            letterhead=LetterheadSettings(
                government=self.letter_government,
                city=self.letter_city,
                work_unit_names=dict(self.work_unit_names),
            ),
        )

    def mail_policy(self) -> MailPolicy:
        return MailPolicy(
            max_attempts=self.mail_max_attempts,
            backoff_seconds=self.mail_backoff_seconds,
            backoff_max_seconds=self.mail_backoff_max_seconds,
            claim_seconds=self.mail_claim_seconds,
            poll_seconds=self.mail_poll_seconds,
        )
