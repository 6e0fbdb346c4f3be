"""Wiring of the inspections service: runtime, criteria, consumer, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.inspections.adapters.tables import metadata
from services.inspections.domain.criteria import load_criteria
from services.inspections.entrypoints.api import router
from services.inspections.handlers import InspectionService
from services.inspections.settings import InspectionsSettings
from shared.runtime import ServiceRuntime, create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: InspectionsSettings) -> FastAPI:
    runtime = ServiceRuntime("inspections", settings, metadata, MIGRATIONS)
    # Read at start: a broken criteria file stops the service instead of its inspections.
    criteria = load_criteria(settings.criteria_file)
    inspections = InspectionService(runtime.db, runtime.outbox, runtime.clock, criteria)
    runtime.consume(inspections.event_handlers())
    app = create_app(runtime, [router], title="chidao inspections")
    app.state.inspections = inspections
    return app
