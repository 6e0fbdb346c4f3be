"""Wiring of the reporting service: runtime, the fact consumer, reminders, routes."""

from __future__ import annotations

import functools
from pathlib import Path

from fastapi import FastAPI

from services.reporting.adapters import replay
from services.reporting.adapters.tables import metadata
from services.reporting.entrypoints.api import router
from services.reporting.handlers import ReportingService
from services.reporting.settings import ReportingSettings
from shared.runtime import ServiceRuntime, create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ReportingSettings) -> FastAPI:
    runtime = ServiceRuntime("reporting", settings, metadata, MIGRATIONS)
    reporting = ReportingService(
        runtime.db,
        runtime.outbox,
        runtime.clock,
        functools.partial(replay.replay, runtime.kafka),
        settings.reminder_days,
    )
    runtime.consume(reporting.event_handlers())

    async def reminder_scan() -> None:
        await reporting.scan_reminders()

    runtime.every(settings.reminder_scan_seconds, reminder_scan)
    runtime.clock_listeners.append(reminder_scan)
    app = create_app(runtime, [router], title="chidao reporting")
    app.state.reporting = reporting
    return app
