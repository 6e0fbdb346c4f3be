"""Reporting service settings: `REPORTING_*` plus the common ones."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import DEPLOY, ServiceSettings, database_url_default


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    port: int = Field(default=8004, json_schema_extra=DEPLOY)
    database_url: str = Field(default=database_url_default("reporting"), json_schema_extra=DEPLOY)
    # Days before a report deadline when `report.due` reminders go out.
    reminder_days: tuple[int, ...] = (30, 7, 1)
    reminder_scan_seconds: float = 30.0
