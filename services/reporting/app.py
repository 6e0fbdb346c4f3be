"""Wiring of the reporting service: runtime, the fact consumer, reminders, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.reporting.adapters.tables import metadata
from services.reporting.entrypoints.api import router
from services.reporting.handlers import ReportingStore
from services.reporting.reports import Reports
from services.reporting.settings import ReportingSettings
from shared.runtime import ServiceRuntime, create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ReportingSettings) -> FastAPI:
    runtime = ServiceRuntime("reporting", settings, metadata, MIGRATIONS)
    store = ReportingStore(
        runtime.db, runtime.outbox, runtime.clock, settings.kafka_bootstrap_servers
    )
    runtime.consume(store.event_handlers())
    reports = Reports(store, settings.reminder_days)

    async def reminder_scan() -> None:
        await reports.scan_reminders()

    runtime.every(settings.reminder_scan_seconds, reminder_scan)
    runtime.clock_listeners.append(reminder_scan)
    app = create_app(runtime, [router], title="chidao reporting")
    app.state.reports = reports
    return app
