"""A text file that rotates by size, for the JSON-lines traces of the local stack.

Traces go to files when no OTLP endpoint is configured; appended forever,
an hour of load made 60 MB per service. Past `max_bytes` the file is renamed
`<name>.1.jsonl` (the previous `.1` becomes `.2`, and so on) and a new one started;
`keep` rotated files stay, older ones are deleted. The rotated names still end in
`.jsonl`, so `chidao trace` finds a trace whichever file holds it.

Writers are the span exporters' threads: a lock serialises
them, and a write never spans two files (rotation happens between writes).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import IO

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_KEEP = 3


class RotatingTextFile:
    def __init__(
        self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES, keep: int = DEFAULT_KEEP
    ) -> None:
        if not path.name.endswith(".jsonl"):
            raise ValueError(f"{path} must end in .jsonl")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_bytes = max_bytes
        self.keep = keep
        self._lock = threading.Lock()
        self._file: IO[str] = path.open("a", encoding="utf-8")
        self._size = path.stat().st_size

    def rotated(self, n: int) -> Path:
        return self.path.with_name(f"{self.path.name.removesuffix('.jsonl')}.{n}.jsonl")

    def write(self, text: str) -> int:
        with self._lock:
            if self._size and self._size + len(text) > self.max_bytes:
                self._rotate()
            written = self._file.write(text)
            self._file.flush()
            self._size += len(text.encode("utf-8"))
            return written

    def flush(self) -> None:
        with self._lock:
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def _rotate(self) -> None:
        self._file.close()
        self.rotated(self.keep).unlink(missing_ok=True)
        for n in range(self.keep - 1, 0, -1):
            if self.rotated(n).exists():
                self.rotated(n).rename(self.rotated(n + 1))
        if self.keep:
            self.path.rename(self.rotated(1))
        else:
            self.path.unlink(missing_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        self._size = 0
