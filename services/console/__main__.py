"""`python -m services.console`: the web console process."""

from __future__ import annotations

import uvicorn

from services.console.app import build_app
from services.console.settings import ConsoleSettings

if __name__ == "__main__":
    settings = ConsoleSettings()
    uvicorn.run(
        build_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
    )
