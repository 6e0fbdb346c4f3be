"""Settings common to every service, from the environment (pydantic-settings).

A service's own settings class derives from `ServiceSettings` with its env prefix,
so `TASKS_PORT` and `TASKS_DATABASE_URL` configure the tasks service, while
`KAFKA_BOOTSTRAP_SERVERS` and `OTEL_EXPORTER_OTLP_ENDPOINT` apply to all of them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    port: int
    host: str = "127.0.0.1"
    database_url: str
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS")
    )
    state_dir: Path = Field(
        default=REPO_ROOT / ".state", validation_alias=AliasChoices("CHIDAO_STATE_DIR")
    )
    otlp_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    clock: str | None = Field(default=None, validation_alias=AliasChoices("CHIDAO_CLOCK"))
    clock_control: bool = Field(
        default=False, validation_alias=AliasChoices("CHIDAO_CLOCK_CONTROL")
    )
    # Consumer retries before a message goes to the dead-letter topic.
    max_attempts: int = Field(default=4, validation_alias=AliasChoices("CHIDAO_MAX_ATTEMPTS"))
    retry_backoff_s: float = Field(
        default=0.2, validation_alias=AliasChoices("CHIDAO_RETRY_BACKOFF_S")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("CHIDAO_LOG_LEVEL"))


def database_url_default(service: str, port: int = 5432) -> str:
    return f"postgresql+asyncpg://{service}:{service}@127.0.0.1:{port}/{service}"
