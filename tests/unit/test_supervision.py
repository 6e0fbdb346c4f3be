"""A supervised loop is restarted after a failure, and seen as down meanwhile."""

from __future__ import annotations

import asyncio

from shared.supervision import Supervisor


async def test_a_failing_loop_is_restarted_and_reported_until_it_runs_again() -> None:
    runs = 0
    healthy = asyncio.Event()

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise ConnectionError(f"database unreachable (run {runs})")
        healthy.set()
        await asyncio.Event().wait()  # a loop runs until cancelled

    supervisor = Supervisor(first_backoff_s=0.01, max_backoff_s=0.05)
    supervisor.add("relay", flaky)
    supervisor.start()
    try:
        # The first failure shows as a loop not running, with its cause.
        assert supervisor.not_running() == {}  # running from the start
        for _ in range(1000):
            if supervisor.not_running():
                break
            await asyncio.sleep(0.001)
        down = supervisor.not_running()
        assert list(down) == ["relay"]
        assert "ConnectionError: database unreachable" in down["relay"]["last_error"]
        await asyncio.wait_for(healthy.wait(), timeout=2)
        assert supervisor.not_running() == {}
        assert runs == 3 and supervisor.loops["relay"].restarts == 2
    finally:
        await supervisor.stop()


async def test_stopping_cancels_every_loop() -> None:
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    supervisor = Supervisor()
    supervisor.add("scan", forever)
    supervisor.start()
    await asyncio.wait_for(started.wait(), timeout=1)
    await supervisor.stop()
    assert supervisor.not_running() == {"scan": supervisor.loops["scan"].describe()}
    assert supervisor.loops["scan"].restarts == 0
