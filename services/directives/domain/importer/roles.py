"""A unit's role set off by a dash between its name and its duty.

"Phòng Y tế - cơ quan thường trực Ban Chỉ đạo liên ngành … có trách nhiệm tham mưu …":
the words after the dash say what the unit is (as a role in brackets does, "Ban Quản lý
dự án (chủ đầu tư)"); they are neither part of its name nor its duty.
"""

from __future__ import annotations

import re

__all__ = ["DASH_ROLE_RE", "role_end"]

# Folded: " - cơ quan thường trực …", " – là đơn vị đầu mối …".
DASH_ROLE_RE = re.compile(
    r" ?[-–] (?:la )?(?:co quan|don vi) (?:thuong truc|dau moi|tham muu|chu tri|chu quan"
    r"|chuyen mon)(?![\w])"
)
# Where the duty starts again: its opener, or a verb of the duty's own.
_DUTY_RE = re.compile(r"[,]? (?=(?:(?:con |cung )?co trach nhiem|chu tri|thuc hien)(?![\w]))")
_REACH = 200


def role_end(folded: str, end: int) -> int:
    """Where a dashed role note at `end` ends (the duty's opener follows), else `end`."""
    role = DASH_ROLE_RE.match(folded, end)
    if role is None:
        return end
    duty = _DUTY_RE.search(folded, role.end(), role.end() + _REACH)
    return duty.start() if duty is not None else end
