"""A clock moved under clock control resumes after a restart, frozen or running."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shared.clock import VN_TZ, Clock, PersistedClock


def test_a_frozen_clock_resumes_where_it_stood(tmp_path: Path) -> None:
    stored = PersistedClock(tmp_path / "clock" / "reporting.json")
    assert stored.load() is None  # never set: real time
    stored.save(Clock(dt.datetime(2020, 12, 16, 9, tzinfo=VN_TZ), frozen=True))
    restored = stored.load()
    assert restored is not None and restored.frozen
    assert restored.now() == dt.datetime(2020, 12, 16, 2, tzinfo=dt.UTC)


def test_a_running_clock_resumes_as_if_it_had_kept_running(tmp_path: Path) -> None:
    stored = PersistedClock(tmp_path / "tasks.json")
    start = dt.datetime(2021, 3, 1, 8, tzinfo=dt.UTC)
    stored.save(Clock(start))
    restored = stored.load()
    assert restored is not None and not restored.frozen
    assert dt.timedelta(0) <= restored.now() - start < dt.timedelta(seconds=5)


def test_a_damaged_file_means_real_time_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "tasks.json"
    path.write_text("{not json")
    assert PersistedClock(path).load() is None
