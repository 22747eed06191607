"""Settings every service reads from the environment (12-factor).

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix`` (``COMPETITION_``,
``ORDERING_`` ...) for what is its own, while the knobs every service shares (broker, topology
prefix, JWT) are read without a prefix so that one ``.env`` configures them once.
"""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing"
    amqp_url: str = Field(
        default="amqp://guest:guest@127.0.0.1:5672/",
        validation_alias=AliasChoices("AMQP_URL", "amqp_url"),
    )
    topology_prefix: str = Field(
        default="",
        validation_alias=AliasChoices("TOPOLOGY_PREFIX", "topology_prefix"),
        description="Prefix of every exchange and queue name, so parallel runs never collide.",
    )
    delivery_limit: int = Field(
        default=5,
        validation_alias=AliasChoices("DELIVERY_LIMIT", "delivery_limit"),
        description="Deliveries of one message before it is dead-lettered.",
    )
    consumer_outage_seconds: float = Field(
        default=900.0,
        ge=0,
        validation_alias=AliasChoices("CONSUMER_OUTAGE_SECONDS", "consumer_outage_seconds"),
        description="How long a consumer holds an event and retries while its database is "
        "unavailable before counting failures (keep it under RabbitMQ's consumer_timeout, "
        "30 minutes by default).",
    )
    jwt_algorithms: list[str] = Field(
        default=["HS256"], validation_alias=AliasChoices("JWT_ALGORITHMS", "jwt_algorithms")
    )
    jwt_secret: str = Field(
        default="dev-secret-change-me-dev-secret-change-me",
        validation_alias=AliasChoices("JWT_SECRET", "jwt_secret"),
    )
    jwt_jwks_url: str | None = Field(
        default=None, validation_alias=AliasChoices("JWT_JWKS_URL", "jwt_jwks_url")
    )
    jwt_issuer: str = Field(
        default="epurchasing-dev", validation_alias=AliasChoices("JWT_ISSUER", "jwt_issuer")
    )
    jwt_audience: str = Field(
        default="epurchasing", validation_alias=AliasChoices("JWT_AUDIENCE", "jwt_audience")
    )
    time_zone: str = Field(
        default="Asia/Jakarta",
        validation_alias=AliasChoices("TIME_ZONE", "time_zone"),
        description="Where the SOP's dates and days are read (WIB by default); one setting "
        "for every service.",
    )
    document_root: str = "var/documents"
    max_document_bytes: int = 10 * 1024 * 1024
    outbox_poll_seconds: float = 5.0
    public_base_url: str = "http://localhost"
    port: int = 8000

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The :attr:`time_zone` as a ``ZoneInfo``."""
        return ZoneInfo(self.time_zone)
