"""Console settings: `CONSOLE_*`, the issuer and where the four APIs answer.

The console has no database and no Kafka access: it is a client of the services,
signed in as the person at the keyboard (docs/console.md).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings import DEPLOY, REPO_ROOT


def _url(service: str, port: int) -> str:
    return Field(
        default=f"http://127.0.0.1:{port}",
        validation_alias=AliasChoices(f"CHIDAO_{service.upper()}_URL"),
        json_schema_extra=DEPLOY,
    )


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    port: int = Field(default=8000, json_schema_extra=DEPLOY)
    host: str = Field(default="127.0.0.1", json_schema_extra=DEPLOY)
    # The address people type: the OIDC redirect URI is <public_url>/auth/callback.
    # None: http://127.0.0.1:<port>.
    public_url: str | None = None
    client_id: str = "chidao-console"
    oidc_issuer: str = Field(
        default="http://127.0.0.1:8080/realms/chidao",
        validation_alias=AliasChoices("CHIDAO_OIDC_ISSUER"),
        json_schema_extra=DEPLOY,
    )
    # The issuer as the browser reaches it, when it differs from how the console does
    # (docker-compose: http://keycloak:8080 inside, the published port outside).
    oidc_browser_issuer: str | None = None
    oidc_audience: str = Field(
        default="chidao-api", validation_alias=AliasChoices("CHIDAO_OIDC_AUDIENCE")
    )
    directives_url: str = _url("directives", 8001)
    tasks_url: str = _url("tasks", 8002)
    inspections_url: str = _url("inspections", 8003)
    reporting_url: str = _url("reporting", 8004)
    # A session unused this long is forgotten (Keycloak's own idle limit is 8 h too).
    session_idle_s: float = 8 * 3600
    # Span files of the local stack (`chidao trace`), for the operators' trace search.
    state_dir: Path = Field(
        default=REPO_ROOT / ".state", validation_alias=AliasChoices("CHIDAO_STATE_DIR")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("CHIDAO_LOG_LEVEL"))

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://127.0.0.1:{self.port}").rstrip("/")

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/auth/callback"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    def service_urls(self) -> dict[str, str]:
        return {
            "directives": self.directives_url.rstrip("/"),
            "tasks": self.tasks_url.rstrip("/"),
            "inspections": self.inspections_url.rstrip("/"),
            "reporting": self.reporting_url.rstrip("/"),
        }
