"""Settings of the delivery service: its own knobs are read with the ``DELIVERY_`` prefix."""

from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings


class DeliverySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore", populate_by_name=True)

    service_name: str = "delivery"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_delivery"
    document_root: str = "var/documents/delivery"
    port: int = 8003
