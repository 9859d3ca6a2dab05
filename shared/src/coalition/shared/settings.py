"""Settings from the environment (prefix `COALITION_`), with zero-setup defaults:
SQLite files under the data folder and an embedded NATS server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a Coalition process. One instance serves every service in the process."""

    model_config = SettingsConfigDict(env_prefix="COALITION_", extra="ignore")

    data_dir: Path = Field(
        default=Path(".data"), description="Where SQLite files and NATS data live."
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy async URL; `{service}` is replaced by the service name so each service "
            "gets its own store. Default: sqlite+aiosqlite:///<data_dir>/<service>.db"
        ),
    )
    access_database_url: str | None = Field(
        default=None,
        description=(
            "The access database (API keys, rate limits), one for every service of a deployment. "
            "Default: the database URL with `{service}` = access."
        ),
    )
    nats_url: str | None = Field(
        default=None,
        description="NATS servers, comma-separated. Unset: start an embedded nats-server.",
    )
    stream_name: str = Field(default="coalition", description="The one JetStream stream.")
    subject_prefix: str = Field(default="coalition", description="First token of every subject.")
    duplicate_window_seconds: float = Field(default=120.0, gt=0)
    stream_replicas: int = Field(default=1, ge=1, le=5)
    relay_poll_seconds: float = Field(default=1.0, gt=0)
    relay_batch_size: int = Field(default=500, ge=1)
    consumer_max_deliver: int = Field(default=5, ge=1)
    consumer_backoff_seconds: list[float] = Field(default=[1.0, 5.0, 15.0, 30.0])
    consumer_ack_wait_seconds: float = Field(default=30.0, gt=0)
    webhook_retry_seconds: list[Annotated[float, Field(ge=0)]] = Field(
        default=[5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0],
        description=(
            "Delays before each retry of a failed webhook delivery (the schedule Standard "
            "Webhooks recommends); after the last one the delivery is dead."
        ),
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, description="How often the webhook dispatcher looks for due work."
    )
    agreement_expiry_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="How often the agreement service looks for agreements past their end date.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long one webhook request may take."
    )
    webhook_batch_size: int = Field(default=50, ge=1)
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest request body accepted (413 beyond)."
    )
    max_upload_bytes: int = Field(
        default=67_108_864,
        ge=1024,
        description="Largest file a service's upload routes accept (research's `/imports`).",
    )
    admin_key: SecretStr | None = Field(
        default=None,
        description=(
            "An admin API key to register at start (32+ characters). Unset: `serve` issues a "
            "first admin key and prints it once if no admin key exists."
        ),
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, description="Requests per minute per key or person, unless the key says."
    )
    auth_cache_seconds: float = Field(
        default=5.0, ge=0, description="How long a key lookup is reused: the revocation delay."
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="Shared secret (HS256) for people's bearer tokens."
    )
    jwt_jwks_url: str | None = Field(
        default=None, description="Identity provider's JWKS URL for people's bearer tokens."
    )
    jwt_issuer: str | None = Field(default=None, description="Required `iss` of bearer tokens.")
    jwt_audience: str = Field(default="coalition", description="Required `aud` of bearer tokens.")
    gateway_url: str | None = Field(
        default=None,
        description=(
            "Base URL at which every service answers under /<service> (the edge proxy). The "
            "projections service asks the services that run in other processes to verify their "
            "logs there (`GET /<service>/log/verification`); unset, only those in its process."
        ),
    )
    crm_config: Path | None = Field(
        default=None,
        description="JSON file of CRM connectors (research imports from them, writes back).",
    )
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"

    def access_url(self) -> str:
        return self.access_database_url or self.database_url_for("access")

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url.replace("{service}", service)
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').resolve()}"
