"""Annexes (phụ lục) printed after the signature.

Decisions and plans often list their tasks in "PHỤ LỤC / DANH MỤC ... / (Kèm theo Quyết
định số ...)" after the signature block. Those tasks are the document's duties, so the
annex is read as body; its title lines are not.
"""

from __future__ import annotations

import re

from .text import fold, is_caps

_ANNEX_RE = re.compile(r"phu luc(?: (?:so )?[\divx]+)?\b")


def annex_start(lines: list[str], start: int) -> int:
    """Index of the first annex heading at or after `start`, or len(lines)."""
    return next((i for i in range(start, len(lines)) if _heading(lines[i])), len(lines))


def annex_body(lines: list[str]) -> list[str]:
    """The annex lines without their headings, titles and "(Kèm theo ...)" notes."""
    out: list[str] = []
    in_title = False
    for line in lines:
        if _heading(line):
            in_title = True
            continue
        note = line.startswith("(") and "kem theo" in fold(line)
        if in_title and (not line or is_caps(line) or note):
            continue
        in_title = False
        out.append(line)
    return out


def _heading(line: str) -> bool:
    m = _ANNEX_RE.match(fold(line))
    return m is not None and len(line.split()) <= 8 and (is_caps(line) or m.end() == len(line))
