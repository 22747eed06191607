"""Settings of the delivery service: its own knobs are read with the ``DELIVERY_`` prefix."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.mail.settings import MailSettings


class DeliverySettings(MailSettings):
    """The service's settings; SMTP, the mail sender and the e-mail switches are the shared
    MailSettings' (DELIVERY_SMTP_HOST, DELIVERY_TURN_EMAILS, ...)."""

    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_delivery"
    document_root: str = "var/documents/delivery"
    port: int = 8003
    # How long an acknowledgement or addendum waits for the order_issued handled beside it.
    order_event_grace_seconds: float = 2.0

    # The letterhead of the generated BAP and BAST: the government, the city of the date line,
    # and each work unit's name by its code (JSON, e.g. {"dinkes": "Dinas Kesehatan"}).
    letter_government: str = "PEMERINTAH KABUPATEN MOJOKERTO"
    letter_city: str = "Mojokerto"
    work_unit_names: dict[str, str] = Field(default_factory=dict)

    def letterhead(self) -> LetterheadSettings:
        return LetterheadSettings(
            government=self.letter_government,
            city=self.letter_city,
            work_unit_names=dict(self.work_unit_names),
        )
