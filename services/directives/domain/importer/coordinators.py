"""Coordinators named inside a duty's action, not right after its lead.

Decree 30 letters name a duty's coordinators wherever the sentence needs them: "Giao X
chủ trì, phối hợp với Y …" (read with the lead), but also "Công an tỉnh chỉ đạo lực lượng
Cảnh sát giao thông phối hợp với Thanh tra Sở … tăng cường tuần tra" and "Phòng X kiểm tra
…; phối hợp với Đội Y bố trí phao …". Whoever carries the duty out, the bodies it is done
"phối hợp với" coordinate it (corpus README: the units named after "phối hợp với").
So do the subjects of a later sentence whose verb is "phối hợp" ("Phòng X chủ trì rà soát
… . Công an phường, Ban Chỉ huy Quân sự phường phối hợp, bố trí lực lượng …", "Trưởng các
khóm có trách nhiệm phối hợp, cung cấp danh sách …"): they join the duty of the item.
"""

from __future__ import annotations

import re

from ..directory import UnitDirectory
from .text import UPPER
from .units import Named, Scanner

__all__ = ["coordinators_in"]

# "phối hợp Phòng X …": drafters drop "với" too; the units named next are the same.
_WITH_RE = re.compile(r"(?<![\w])phoi hop(?: chat che)?(?: thuc hien)?(?: (?:voi|cung))? ")


_SENTENCE_RE = re.compile(r"[.;]\s+(?=" + UPPER + r")")
# Between the subject and "phối hợp": "có trách nhiệm", "cùng", "chủ động", "cũng".
_JOINS_RE = re.compile(
    r",?\s*(?:(?:con |cung )?co trach nhiem |chu dong |tich cuc |cung )?phoi hop(?![\w])"
)


def coordinators_in(action: str, directory: UnitDirectory) -> list[Named]:
    """The units named after each "phối hợp với" of `action`, and the subjects of its later
    sentences that "phối hợp", in order, once each."""
    scan = Scanner(action, directory)
    found: list[Named] = []
    for m in _WITH_RE.finditer(scan.folded):
        units, _ = scan.units(m.end())
        found += [n for n in units if n not in found]
    for m in _SENTENCE_RE.finditer(action):
        units, end = scan.units(m.end())
        if units and _JOINS_RE.match(scan.folded, end):
            found += [n for n in units if n not in found]
    return found
