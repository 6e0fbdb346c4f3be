"""Wiring of the tasks service: runtime, consumers, routes, the overdue scan."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.tasks.adapters.tables import metadata
from services.tasks.entrypoints.api import router
from services.tasks.handlers import TaskService
from services.tasks.settings import TasksSettings
from shared.runtime import ServiceRuntime, create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: TasksSettings) -> FastAPI:
    runtime = ServiceRuntime("tasks", settings, metadata, MIGRATIONS)
    tasks = TaskService(runtime.db, runtime.outbox, runtime.clock)
    runtime.consume(tasks.event_handlers())

    async def overdue_scan() -> None:
        await tasks.scan_overdue()

    runtime.every(settings.overdue_scan_seconds, overdue_scan)
    runtime.clock_listeners.append(overdue_scan)
    app = create_app(runtime, [router], title="chidao tasks")
    app.state.tasks = tasks
    return app
