"""Which of several units named together leads: "A và B: phối hợp kiểm tra … . B chủ trì."

A meeting's conclusions give one task to two units jointly and then say, in a sentence of
its own, which one leads ("Phòng X chủ trì."). The one named leads; the others named with
it coordinate (corpus README: the lead is who "chủ trì", coordinators who "phối hợp").
"""

from __future__ import annotations

import re

from ..directory import UnitDirectory
from .text import UPPER, fold
from .units import Named, Scanner

__all__ = ["designated_lead"]

_SENTENCE_RE = re.compile(r"[.;]\s+(?=" + UPPER + r")")
_LEADS_RE = re.compile(r" chu tri(?: thuc hien)?\s*[.;]?\s*$")
_JOINTLY_RE = re.compile(r"(?:cùng )?phối hợp (?=\w)", re.IGNORECASE)


def designated_lead(
    leads: list[Named], coords: list[Named], action: str, directory: UnitDirectory
) -> tuple[list[Named], list[Named], str]:
    """(leads, coordinators, action) once a closing "X chủ trì." picks X among `leads`."""
    if len(leads) < 2:
        return leads, coords, action
    scan = Scanner(action, directory)
    for m in _SENTENCE_RE.finditer(action):
        named, end = scan.units(m.end())
        if len(named) != 1 or not _LEADS_RE.match(scan.folded, end):
            continue
        chosen = [n for n in leads if fold(n.written) == fold(named[0].written)]
        if len(chosen) != 1:
            continue
        others = [n for n in leads if n is not chosen[0]]
        task = action[: m.start() + 1].strip()
        jointly = _JOINTLY_RE.match(task)
        task = task[jointly.end() :] if jointly else task
        return chosen, [*others, *coords], task[:1].upper() + task[1:]
    return leads, coords, action
