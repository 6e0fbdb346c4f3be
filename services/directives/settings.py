"""Directives service settings: `DIRECTIVES_*` plus the common ones."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, database_url_default

DIRECTORIES = Path(__file__).parent / "directories"


class DirectivesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DIRECTIVES_", extra="ignore")

    port: int = 8001
    database_url: str = database_url_default("directives")
    # The agency whose directory applies when a request names none.
    default_agency: str = "sxd-thanhhoa"
    directories_dir: Path = DIRECTORIES
