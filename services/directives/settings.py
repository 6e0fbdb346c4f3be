"""Directives service settings: `DIRECTIVES_*` plus the common ones."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import DEPLOY, ServiceSettings, database_url_default

DIRECTORIES = Path(__file__).parent / "directories"


class DirectivesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DIRECTIVES_", extra="ignore")

    port: int = Field(default=8001, json_schema_extra=DEPLOY)
    database_url: str = Field(default=database_url_default("directives"), json_schema_extra=DEPLOY)
    # The agency whose directory applies when a request names none.
    default_agency: str = "sxd-thanhhoa"
    directories_dir: Path = DIRECTORIES
