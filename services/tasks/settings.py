"""Tasks service settings: `TASKS_*` plus the common ones."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings, database_url_default


class TasksSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TASKS_", extra="ignore")

    port: int = 8002
    database_url: str = database_url_default("tasks")
    # How often the overdue scan runs; it also runs whenever the clock is set.
    overdue_scan_seconds: float = 30.0
