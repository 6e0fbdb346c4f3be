"""`python -m services.inspections`: the inspections service process."""

from __future__ import annotations

from services.inspections.app import build_app
from services.inspections.settings import InspectionsSettings
from shared.runtime import serve

if __name__ == "__main__":
    settings = InspectionsSettings()
    serve(build_app(settings), settings)
