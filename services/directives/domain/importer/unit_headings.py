"""Items whose line names only the unit, its duties on the lines below.

A plan's "Tổ chức thực hiện" often gives each body a numbered line of its own name and
its duties on the next lines, without a colon ("3. Văn phòng UBND tỉnh" / "Chủ trì, phối
hợp với …"). Copied from a PDF, that next line looks like the wrapped rest of the item;
a reader sees the name alone on its line as the item's heading. Such a line is given the
colon it implies and its first duty line joined to it, read as "3. Văn phòng UBND tỉnh:
Chủ trì, …" would be (a paragraph without a marker would not sit under the item).
"""

from __future__ import annotations

import re

from ..directory import UnitDirectory
from .outline import ATTR_RE
from .units import Scanner

__all__ = ["unit_headings"]

# A numbered or lettered item marker: "3.", "3)", "2.1.", "a)".
_ITEM_RE = re.compile(r"\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zđ]\))\s+(?=\S)")
# The next line opens the body's duties: a capital letter (a verb, "Là cơ quan …").
_NEXT_OPENS_RE = re.compile(r"\s*[^\W\d_]")


def unit_headings(lines: list[str], directory: UnitDirectory) -> list[str]:
    """`lines`, each item line that names only units, when a line opening in capitals
    follows, joined to that line after a colon."""
    out: list[str] = []
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        opens = _NEXT_OPENS_RE.match(nxt) is not None and nxt.strip()[0].isupper()
        if opens and _names_only_units(line, directory):
            out.append(f"{line.rstrip()}: {nxt.strip()}")
            skip = True
            continue
        out.append(line)
    return out


def _names_only_units(line: str, directory: UnitDirectory) -> bool:
    item = _ITEM_RE.match(line)
    if item is None:
        return False
    name = line[item.end() :].rstrip()
    if not name or name[-1] in ".:;," or ATTR_RE.match(name):
        return False
    units, end = Scanner(name, directory).units()
    return bool(units) and end == len(name)
