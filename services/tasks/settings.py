"""Tasks service settings: `TASKS_*` plus the common ones."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import DEPLOY, ServiceSettings, database_url_default


class TasksSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TASKS_", extra="ignore")

    port: int = Field(default=8002, json_schema_extra=DEPLOY)
    database_url: str = Field(default=database_url_default("tasks"), json_schema_extra=DEPLOY)
    # How often the overdue scan runs; it also runs whenever the clock is set.
    overdue_scan_seconds: float = 30.0
