"""Settings common to every service, from the environment (pydantic-settings).

A service's own settings class derives from `ServiceSettings` with its env prefix,
so `TASKS_PORT` and `TASKS_DATABASE_URL` configure the tasks service, while
`KAFKA_BOOTSTRAP_SERVERS` and `OTEL_EXPORTER_OTLP_ENDPOINT` apply to all of them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic.config import JsonDict
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOY: JsonDict = {"deploy": True}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    # Fields marked DEPLOY have defaults that only suit the local stack: a deployment
    # (docker-compose.yml, a test checks it) must set them.
    port: int = Field(json_schema_extra=DEPLOY)
    host: str = Field(default="127.0.0.1", json_schema_extra=DEPLOY)
    database_url: str = Field(json_schema_extra=DEPLOY)
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092",
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS"),
        json_schema_extra=DEPLOY,
    )
    # Who this service is to the brokers (shared.messaging.kafka_client): its own
    # principal, SASL/SCRAM-SHA-512 by default once a user name is set. The protocol,
    # when not given, is SASL_PLAINTEXT with a user name and PLAINTEXT without one
    # (a broker with no authentication: tests' throwaway brokers, testcontainers).
    kafka_security_protocol: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SECURITY_PROTOCOL")
    )
    kafka_sasl_mechanism: str = Field(
        default="SCRAM-SHA-512", validation_alias=AliasChoices("KAFKA_SASL_MECHANISM")
    )
    kafka_username: str | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_USERNAME"), json_schema_extra=DEPLOY
    )
    # SecretStr: shown as '**********' in a repr, a log line or an error, never as is.
    kafka_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_PASSWORD"), json_schema_extra=DEPLOY
    )
    # The CA that signed the brokers' certificates, for SSL and SASL_SSL.
    kafka_ssl_cafile: Path | None = Field(
        default=None, validation_alias=AliasChoices("KAFKA_SSL_CAFILE")
    )
    # Who may call (shared.auth): tokens of this issuer, for this audience.
    oidc_issuer: str = Field(
        default="http://127.0.0.1:8080/realms/chidao",
        validation_alias=AliasChoices("CHIDAO_OIDC_ISSUER"),
        json_schema_extra=DEPLOY,
    )
    oidc_audience: str = Field(
        default="chidao-api", validation_alias=AliasChoices("CHIDAO_OIDC_AUDIENCE")
    )
    # Topics (shared.messaging.topics): partitions of each public topic, and the
    # replication a deployment's cluster gives them (3 and 2 on a three-broker one).
    topic_partitions: int = Field(
        default=6, ge=1, validation_alias=AliasChoices("CHIDAO_TOPIC_PARTITIONS")
    )
    kafka_replication_factor: int = Field(
        default=1, ge=1, validation_alias=AliasChoices("KAFKA_REPLICATION_FACTOR")
    )
    kafka_min_insync_replicas: int = Field(
        default=1, ge=1, validation_alias=AliasChoices("KAFKA_MIN_INSYNC_REPLICAS")
    )
    state_dir: Path = Field(
        default=REPO_ROOT / ".state", validation_alias=AliasChoices("CHIDAO_STATE_DIR")
    )
    otlp_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    # Zipkin's span intake (http://HOST:9411/api/v2/spans), used when no OTLP endpoint
    # is set; the local stack sets it to its own Zipkin (shared.telemetry).
    zipkin_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_EXPORTER_ZIPKIN_ENDPOINT")
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
    # The largest request body a service reads (413 above it): a letter of 200,000
    # characters is well under 1 MiB, ten 50 MB bodies should not reach memory at all.
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, validation_alias=AliasChoices("CHIDAO_MAX_BODY_BYTES")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("CHIDAO_LOG_LEVEL"))

    @model_validator(mode="after")
    def _kafka_credentials_complete(self) -> ServiceSettings:
        from shared.messaging.kafka_client import kafka_access

        kafka_access(self)  # raises ValueError (a validation error) on a half-made setting
        return self


def deployment_variables(settings: type[BaseSettings]) -> set[str]:
    """Environment variables a deployment must set for this settings class."""
    prefix = settings.model_config.get("env_prefix", "")
    names = set()
    for name, field in settings.model_fields.items():
        if field.json_schema_extra != DEPLOY:
            continue
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]))
        else:
            names.add(f"{prefix}{name}".upper())
    return names


def database_url_default(service: str, port: int = 5432) -> str:
    return f"postgresql+asyncpg://{service}:{service}@127.0.0.1:{port}/{service}"
