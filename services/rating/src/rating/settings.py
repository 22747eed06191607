"""Settings of the rating service: its own knobs are read with the ``RATING_`` prefix."""

from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings


class RatingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RATING_", extra="ignore", populate_by_name=True)

    service_name: str = "rating"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_rating"
    document_root: str = "var/documents/rating"
    port: int = 8004
