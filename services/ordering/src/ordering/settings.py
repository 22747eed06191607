"""Settings of the ordering service: its own knobs are read with the ``ORDERING_`` prefix."""

from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings


class OrderingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERING_", extra="ignore", populate_by_name=True)

    service_name: str = "ordering"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_ordering"
    document_root: str = "var/documents/ordering"
    port: int = 8002
