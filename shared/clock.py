"""The clock every deadline, overdue check and reminder reads.

Time is an input (design rule 4): tests and the demo move it, production leaves it
alone. A `Clock` runs at real speed from an offset; `set()` moves it, `freeze()` stops
it. Services expose it through `PUT /v1/clock` only when `CHIDAO_CLOCK_CONTROL` is on.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

# Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.
VN_TZ = dt.timezone(dt.timedelta(hours=7), name="ICT")


class Clock:
    def __init__(self, start: dt.datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset = dt.timedelta(0)
        self._frozen_at: dt.datetime | None = None
        if start is not None:
            self.set(start, frozen=frozen)

    def now(self) -> dt.datetime:
        """Aware datetime in UTC."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return dt.datetime.now(dt.UTC) + self._offset

    def today(self) -> dt.date:
        """The local (Vietnam) calendar date: deadlines are local dates."""
        return self.now().astimezone(VN_TZ).date()

    def set(self, when: dt.datetime, *, frozen: bool = False) -> None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=VN_TZ)
        with self._lock:
            if frozen:
                self._frozen_at = when.astimezone(dt.UTC)
            else:
                self._frozen_at = None
                self._offset = when - dt.datetime.now(dt.UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None


def parse_clock_setting(value: str | None) -> Clock:
    """`CHIDAO_CLOCK` = ISO datetime ('2020-04-20T09:00:00+07:00'); empty = real time."""
    if not value:
        return Clock()
    return Clock(dt.datetime.fromisoformat(value))


class PersistedClock:
    """Where a service under clock control keeps its clock across restarts.

    Moved by `PUT /v1/clock`, a clock used to be lost with the process: restarted, the
    service jumped back to real time and, seeing every deadline of the years between
    passed, sent thousands of `report.due` reminders at once. The setting is saved as
    the moment it was set plus the real time it was set at, so a running clock
    resumes where it would be now and a frozen one where it stood."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def save(self, clock: Clock) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "now": clock.now().isoformat(),
            "frozen": clock.frozen,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        tmp.replace(self.path)  # atomic: a crash leaves the old setting or the new one

    def load(self) -> Clock | None:
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            now = dt.datetime.fromisoformat(record["now"])
            saved_at = dt.datetime.fromisoformat(record["saved_at"])
            frozen = bool(record["frozen"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if frozen:
            return Clock(now, frozen=True)
        return Clock(now + (dt.datetime.now(dt.UTC) - saved_at))
