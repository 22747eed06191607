"""Settings of the ordering service: its own knobs are read with the ``ORDERING_`` prefix."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.mail.settings import MailSettings
from ordering.application.ports import OrderingRules


class OrderingSettings(MailSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERING_", extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_ordering"
    document_root: str = "var/documents/ordering"
    port: int = 8002

    # Outgoing mail (step 15, the hand-offs, the reminders): SMTP and the sender's retries are
    # the shared MailSettings' (ORDERING_SMTP_HOST, ORDERING_MAIL_SENDER, ...).

    # Purchase order (step 21) and addenda (24a).
    order_number_format: str = "SP/{work_unit}/{year}/{seq:04d}"
    addendum_max_increase_percent: int = Field(default=10, ge=0)

    # Automatic consequences of an overdue turn (application/overdue.py), each switchable:
    # the PPK's review (20) past 3 working days cancels the package (LKPP's rule); a vendor
    # not answering a proposal (17) or not approving (18) in time: no LKPP rule found, off.
    auto_cancel_ppk_review: bool = True
    auto_cancel_vendor_answer: bool = False
    auto_cancel_vendor_approval: bool = False
    # "Your turn" e-mails at the hand-offs (17, 19, 21) and a reminder when a turn is overdue:
    # turn_emails and overdue_reminders of the shared MailSettings.

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
