"""Settings every service reads from the environment (12-factor).

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix`` (``COMPETITION_``,
``ORDERING_`` ...) for what is its own, while the knobs every service shares (broker, topology
prefix, JWT) are read without a prefix so that one ``.env`` configures them once.
"""

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from epurchasing_shared.calendar import parse_days_off


class ServiceSettings(BaseSettings):
    # env_ignore_empty: an empty variable (e.g. `CALENDAR_DAYS_OFF_FILE=` in .env) means unset.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, env_ignore_empty=True)

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
    consumer_prefetch: int = Field(
        default=16,
        ge=1,
        validation_alias=AliasChoices("CONSUMER_PREFETCH", "consumer_prefetch"),
        description="Messages a consumer holds at once per queue: up to this many procurements "
        "are applied in parallel, each one's events in order (docs/consumers.md).",
    )
    consumer_concurrency: int = Field(
        default=8,
        ge=1,
        validation_alias=AliasChoices("CONSUMER_CONCURRENCY", "consumer_concurrency"),
        description="Event handlers running at once in one process, all its queues together "
        "(each holds a database connection while it runs; keep it under DB_POOL_SIZE).",
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
    calendar_days_off: str = Field(
        default="",
        validation_alias=AliasChoices("CALENDAR_DAYS_OFF", "calendar_days_off"),
        description="Regional days off added to the national calendar, comma-separated "
        "'YYYY-MM-DD [name]' (e.g. '2026-04-07 Hari Jadi Kota'); see docs/calendar.md.",
    )
    calendar_days_off_file: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CALENDAR_DAYS_OFF_FILE", "calendar_days_off_file"),
        description="A file of regional days off (and cuti bersama the holidays package lacks): "
        "one 'YYYY-MM-DD [name]' a line, '#' comments; read at start.",
    )
    calendar_seconds_per_working_day: float | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices(
            "CALENDAR_SECONDS_PER_WORKING_DAY", "calendar_seconds_per_working_day"
        ),
        description="Fast mode for demonstrations and tests: a working day lasts this many "
        "seconds and every day counts. Unset (the default) = the real calendar.",
    )
    overdue_scan_seconds: float | None = Field(
        default=None,
        gt=0,
        validation_alias=AliasChoices("OVERDUE_SCAN_SECONDS", "overdue_scan_seconds"),
        description="How often the overdue scanner looks for late turns (docs/time-standards.md); "
        "unset: 15 s, or 1 s in the calendar's fast mode.",
    )
    overdue_scan_enabled: bool = Field(
        default=True,
        validation_alias=AliasChoices("OVERDUE_SCAN_ENABLED", "overdue_scan_enabled"),
        description="Run the overdue scanner (step_overdue events and the services' automatic "
        "consequences) in this process.",
    )
    max_json_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        validation_alias=AliasChoices("MAX_JSON_BYTES", "max_json_bytes"),
        description="The largest JSON body a service reads (413 beyond, before reading it).",
    )
    db_pool_size: int = Field(
        default=15,
        ge=1,
        validation_alias=AliasChoices("DB_POOL_SIZE", "db_pool_size"),
        description="Database connections a service process keeps open (requests, consumers, "
        "relay, scanners share them).",
    )
    db_max_overflow: int = Field(
        default=0,
        ge=0,
        validation_alias=AliasChoices("DB_MAX_OVERFLOW", "db_max_overflow"),
        description="Connections opened beyond the pool under load (closed when returned).",
    )
    spine_retention_days: float = Field(
        default=30.0,
        gt=0,
        validation_alias=AliasChoices("SPINE_RETENTION_DAYS", "spine_retention_days"),
        description="Published outbox rows, inbox rows and idempotency keys older than this are "
        "deleted (docs/performance.md): keep it longer than any redelivery, DLQ replay or "
        "client retry you expect.",
    )
    spine_purge_seconds: float = Field(
        default=3600.0,
        gt=0,
        validation_alias=AliasChoices("SPINE_PURGE_SECONDS", "spine_purge_seconds"),
        description="How often the retention purge runs.",
    )
    document_root: str = "var/documents"
    max_document_bytes: int = 10 * 1024 * 1024
    outbox_poll_seconds: float = 5.0
    public_base_url: str = "http://localhost"
    max_requests_in_flight: int = Field(
        default=32,
        ge=0,
        validation_alias=AliasChoices("MAX_REQUESTS_IN_FLIGHT", "max_requests_in_flight"),
        description="Requests one process serves at once; more wait for a place (0: no limit).",
    )
    request_queue_seconds: float = Field(
        default=2.0,
        ge=0,
        validation_alias=AliasChoices("REQUEST_QUEUE_SECONDS", "request_queue_seconds"),
        description="How long a request beyond MAX_REQUESTS_IN_FLIGHT waits for a place before "
        "it is answered 503 with Retry-After.",
    )
    rate_limits_enabled: bool = Field(
        default=True, validation_alias=AliasChoices("RATE_LIMITS_ENABLED", "rate_limits_enabled")
    )
    rate_limit_per_address: str = Field(
        default="3000/minute",
        validation_alias=AliasChoices("RATE_LIMIT_PER_ADDRESS", "rate_limit_per_address"),
        description="Requests one client address may make per replica (the `limits` syntax).",
    )
    rate_limit_per_principal: str = Field(
        default="1200/minute",
        validation_alias=AliasChoices("RATE_LIMIT_PER_PRINCIPAL", "rate_limit_per_principal"),
        description="Requests one bearer token may make per replica.",
    )
    rate_limit_trust_forwarded: bool = Field(
        default=False,
        validation_alias=AliasChoices("RATE_LIMIT_TRUST_FORWARDED", "rate_limit_trust_forwarded"),
        description="Key the address limit on the proxy's X-Forwarded-For entry (set it only "
        "behind the reverse proxy, which every request must pass).",
    )
    cors_allowed_origins: list[str] = Field(
        default=[],
        validation_alias=AliasChoices("CORS_ALLOWED_ORIGINS", "cors_allowed_origins"),
        description="Origins a browser front end may call from (JSON list, e.g. "
        '["https://console.example.go.id"]); none by default.',
    )
    bind_host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("BIND_HOST", "bind_host"),
        description="The address a service listens on (0.0.0.0 in containers).",
    )
    log_format: Literal["console", "json"] = Field(
        default="console",
        validation_alias=AliasChoices("LOG_FORMAT", "log_format"),
        description="console: readable lines (make run); json: one object a line (containers).",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level")
    )
    port: int = 8000
    development_mode: bool = Field(
        default=False,
        validation_alias=AliasChoices("DEVELOPMENT_MODE", "development_mode"),
        description="Allows the development JWT secret (or one shorter than 32 bytes); "
        "`make run`, the tests and the demo set it, a deployment never does.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("calendar_days_off")
    @classmethod
    def _valid_days_off(cls, value: str) -> str:
        parse_days_off(value, "CALENDAR_DAYS_OFF", separator=",")  # a typo stops the start
        return value

    @property
    def overdue_interval(self) -> float:
        """Seconds between two overdue scans: the setting, else 1 s in fast mode, else 15 s."""
        if self.overdue_scan_seconds is not None:
            return self.overdue_scan_seconds
        return 1.0 if self.calendar_seconds_per_working_day is not None else 15.0

    @property
    def zone(self) -> ZoneInfo:
        """The :attr:`time_zone` as a ``ZoneInfo``."""
        return ZoneInfo(self.time_zone)
