"""Settings of the competition service: its own knobs are read with the ``COMPETITION_`` prefix."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from epurchasing_shared.mail.settings import MailSettings


class CompetitionSettings(MailSettings):
    """The service's settings; SMTP, the mail sender and the e-mail switches are the shared
    MailSettings' (COMPETITION_SMTP_HOST, COMPETITION_TURN_EMAILS, ...)."""

    model_config = SettingsConfigDict(
        env_prefix="COMPETITION_", extra="ignore", populate_by_name=True
    )

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_competition"
    document_root: str = "var/documents/competition"
    port: int = 8001
    min_offers: int = Field(
        default=1, ge=1, description="Valid offers a competition needs to succeed (SOP: 1)."
    )
    scoring: str = Field(
        default="lowest_evaluated_price",
        description="The scoring function that ranks offers (domain/evaluation.py).",
    )
    max_import_bytes: int = Field(default=5 * 1024 * 1024, description="Catalogue import limit.")
    officials_see_live_prices: bool = Field(
        default=False,
        description=(
            "Let the procurement official of the work unit see offer prices and the ranking "
            "before the offer deadline (COMPETITION_OFFICIALS_SEE_LIVE_PRICES). Off: until the "
            "deadline the official, the admin and the auditor see how many offers there are."
        ),
    )
    auto_evaluate_seconds: float = Field(
        default=30,
        ge=0,
        description="How often open competitions past their deadline are evaluated (0: never).",
    )
