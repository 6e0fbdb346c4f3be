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
    """Index of the first annex heading at or after `start`, or len(lines). A plan or
    rules issued with a decision count too: "KẾ HOẠCH / … / (Ban hành kèm theo Quyết
    định số …)" after the signature holds the duties ("Tổ chức thực hiện")."""
    return next(
        (i for i in range(start, len(lines)) if _heading(lines[i]) or _attached(lines, i)),
        len(lines),
    )


def _attached(lines: list[str], i: int) -> bool:
    if not is_caps(lines[i]) or len(lines[i].split()) > 8:
        return False
    following = [line for line in lines[i + 1 : i + 5] if line][:3]
    return any(line.startswith("(") and "kem theo" in fold(line) for line in following)


def annex_body(lines: list[str]) -> list[str]:
    """The annex lines without their headings, titles and "(Kèm theo ...)" notes."""
    out: list[str] = []
    in_title = False
    for line in lines:
        if _heading(line) or (not out and is_caps(line)):
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
