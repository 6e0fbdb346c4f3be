"""Inspections service settings: `INSPECTIONS_*` plus the common ones."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import DEPLOY, ServiceSettings, database_url_default

CRITERIA = Path(__file__).parent / "criteria" / "qd-1847.yaml"


class InspectionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INSPECTIONS_", extra="ignore")

    port: int = Field(default=8003, json_schema_extra=DEPLOY)
    database_url: str = Field(default=database_url_default("inspections"), json_schema_extra=DEPLOY)
    # The checklist of Decision 1847 that new inspections are planned against.
    criteria_file: Path = CRITERIA
