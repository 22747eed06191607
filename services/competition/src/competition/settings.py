"""Settings of the competition service: its own knobs are read with the ``COMPETITION_`` prefix."""

from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings


class CompetitionSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="COMPETITION_", extra="ignore", populate_by_name=True
    )

    service_name: str = "competition"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_competition"
    document_root: str = "var/documents/competition"
    port: int = 8001
