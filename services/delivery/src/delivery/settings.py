"""Settings of the delivery service: its own knobs are read with the ``DELIVERY_`` prefix."""

from pydantic_settings import SettingsConfigDict

from epurchasing_shared.settings import ServiceSettings


class DeliverySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_delivery"
    document_root: str = "var/documents/delivery"
    port: int = 8003
    # How long an acknowledgement or addendum waits for the order_issued handled beside it.
    order_event_grace_seconds: float = 2.0
