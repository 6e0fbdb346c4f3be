"""Background loops that never die quietly.

Every long-running loop of a service (the outbox relay, the scanners, the lag
sampler) runs under a `Supervisor`: when the loop raises, the exception is logged with
its cause, the loop waits (capped exponential backoff) and starts again, forever. Its
state is kept, so readiness (`/health`) can answer 503 naming the loop that is not
running and why, instead of 200 over a dead relay (what a PostgreSQL blink used to
leave behind).

A loop is "running" from its (re)start until it raises; a loop that returns is
restarted too (a loop has no reason to end but cancellation at shutdown).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

LoopBody = Callable[[], Coroutine[Any, Any, None]]


@dataclass
class LoopState:
    name: str
    running: bool = False
    restarts: int = 0
    last_error: str | None = None
    failed_at: dt.datetime | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "running": self.running,
            "restarts": self.restarts,
            "last_error": self.last_error,
            "failed_at": self.failed_at.isoformat() if self.failed_at else None,
        }


class Supervisor:
    def __init__(self, *, first_backoff_s: float = 0.5, max_backoff_s: float = 30.0) -> None:
        self.first_backoff_s = first_backoff_s
        self.max_backoff_s = max_backoff_s
        self.loops: dict[str, LoopState] = {}
        self._bodies: dict[str, LoopBody] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def add(self, name: str, body: LoopBody) -> None:
        if name in self._bodies:
            raise ValueError(f"a loop named {name!r} is already supervised")
        self._bodies[name] = body
        self.loops[name] = LoopState(name)

    def start(self) -> None:
        for state in self.loops.values():
            state.running = True  # from now on, until a failure says otherwise
        self._tasks = [
            asyncio.create_task(self._supervise(name, body), name=f"supervised {name}")
            for name, body in self._bodies.items()
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def not_running(self) -> dict[str, dict[str, Any]]:
        """The loops that are down right now, with why: what readiness reports."""
        return {n: s.describe() for n, s in self.loops.items() if not s.running}

    async def _supervise(self, name: str, body: LoopBody) -> None:
        state = self.loops[name]
        backoff = self.first_backoff_s
        while True:
            state.running = True
            started = asyncio.get_running_loop().time()
            try:
                await body()
                error = "the loop returned"
            except asyncio.CancelledError:
                state.running = False
                raise
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                log.error(
                    "loop %s failed, restarting in %.1fs: %s", name, backoff, error, exc_info=exc
                )
            state.running = False
            state.restarts += 1
            state.last_error = error
            state.failed_at = dt.datetime.now(dt.UTC)
            # A loop that ran a good while before failing starts again from the first
            # backoff; one that fails at once backs off further each time.
            if asyncio.get_running_loop().time() - started > self.max_backoff_s:
                backoff = self.first_backoff_s
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff_s)
