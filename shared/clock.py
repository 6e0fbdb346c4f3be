"""The clock every deadline, overdue check and reminder reads.

Time is an input (design rule 4): tests and the demo move it, production leaves it
alone. A `Clock` runs at real speed from an offset; `set()` moves it, `freeze()` stops
it. Services expose it through `PUT /v1/clock` only when `CHIDAO_CLOCK_CONTROL` is on.
"""

from __future__ import annotations

import datetime as dt
import threading

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
