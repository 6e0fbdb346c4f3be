"""`python -m services.directives`: the directives service process."""

from __future__ import annotations

from services.directives.app import build_app
from services.directives.settings import DirectivesSettings
from shared.runtime import serve

if __name__ == "__main__":
    settings = DirectivesSettings()
    serve(build_app(settings), settings)
