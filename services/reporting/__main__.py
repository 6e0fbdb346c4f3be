"""`python -m services.reporting`: the reporting service process."""

from __future__ import annotations

from services.reporting.app import build_app
from services.reporting.settings import ReportingSettings
from shared.runtime import serve

if __name__ == "__main__":
    settings = ReportingSettings()
    serve(build_app(settings), settings)
