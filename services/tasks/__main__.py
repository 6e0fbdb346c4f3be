"""`python -m services.tasks`: the tasks service process."""

from __future__ import annotations

from services.tasks.app import build_app
from services.tasks.settings import TasksSettings
from shared.runtime import serve

if __name__ == "__main__":
    settings = TasksSettings()
    serve(build_app(settings), settings)
