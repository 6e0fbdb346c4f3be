"""Wiring of the directives service: runtime, the service, routes, start-up steps."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.directives.adapters.tables import metadata
from services.directives.entrypoints.api import router
from services.directives.handlers import DirectiveService, Directories
from services.directives.settings import DirectivesSettings
from shared.runtime import ServiceRuntime, create_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: DirectivesSettings) -> FastAPI:
    runtime = ServiceRuntime("directives", settings, metadata, MIGRATIONS)
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    directives = DirectiveService(runtime.db, runtime.outbox, runtime.clock, directories)
    # Task progress for the lineage view, from chidao.tasks.v1 (docs/lineage.md).
    runtime.consume(directives.event_handlers())
    runtime.startup.append(directives.publish_directories)
    app = create_app(runtime, [router], title="chidao directives")
    app.state.directives = directives
    return app
