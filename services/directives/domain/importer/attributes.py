"""Labelled attributes of a plan item, the units of their cells, and addressees the
directory does not know.

"- Đơn vị chủ trì: X", "- Đơn vị phối hợp: Y", "- Thời gian thực hiện: Z" follow the item
they describe (or sit on its line); `attributes` collects them. `unresolved` keeps an
addressee that is no unit name ("Đề nghị các đồng chí trưởng bộ phận: ...") as written,
so that it comes back as `no_lead_unit` rather than being dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..directory import UnitDirectory
from .outline import ATTR_RE, Node
from .text import fold
from .units import VERB_RE, Named, Scanner

# (leads or None when the node assigns nothing, (coordinating, action text))
Parsed = tuple[list[Named] | None, tuple[list[Named], str]]
# Words that introduce the duties rather than name who does them ("giao nhiệm vụ như sau:").
_NOT_ADDRESSEE_RE = re.compile(
    r"(?:nhu sau|cac noi dung|mot so|noi dung|nhiem vu|thuc hien|sau)\b|\W*$"
)


@dataclass
class Attrs:
    lead: str | None = None
    coordinating: str | None = None
    time: str | None = None


def is_attr(node: Node) -> bool:
    return node.kind == "attr" or ATTR_RE.match(node.text) is not None


def attributes(node: Node) -> Attrs:
    attrs = Attrs()
    texts = [node.text] + [c.text for c in node.children if is_attr(c)]
    for text in texts:
        spans = list(ATTR_RE.finditer(text))
        for i, m in enumerate(spans):
            end = spans[i + 1].start() if i + 1 < len(spans) else len(text)
            value = text[m.end() : end].strip(" ;.-–")
            label = fold(m.group("label"))
            if "phoi hop" in label:
                attrs.coordinating = attrs.coordinating or value
            elif "chu tri" in label or label.startswith(("don vi", "co quan", "bo phan")):
                attrs.lead = attrs.lead or value
            else:
                attrs.time = attrs.time or value
    return attrs


def unresolved(text: str, folded: str, pos: int) -> Parsed:
    """ "Đề nghị <someone we do not know>: <action>": keep the addressee as written."""
    colon = text.find(":", pos)
    verb = next((m for m in VERB_RE.finditer(folded, pos) if m.start() > pos), None)
    cut = colon if colon != -1 else (verb.start() if verb else -1)
    if verb is not None and (colon == -1 or verb.start() < colon):
        cut = verb.start()
    written = text[pos:cut].strip(" ,:") if cut != -1 else ""
    if not written or len(written) > 80 or _NOT_ADDRESSEE_RE.match(fold(written)):
        return None, ([], "")
    return [Named(written, unresolved=True)], ([], text[cut:].lstrip(" :"))


# The role words that end a name in a cell: "Trạm Y tế phường chủ trì, phối hợp với …".
_ROLE_RE = re.compile(r"(?:chu tri|phoi hop|thuc hien|chiu trach nhiem)(?![\w])")


def cell_units(cell: str, directory: UnitDirectory) -> list[Named]:
    """The units of a "chủ trì" or "phối hợp" cell. A cell holds names only, so a name the
    directory does not know runs to the cell's end or its next ";" ("Phòng Tổ chức, biên
    chế và tổ chức phi chính phủ", where "tổ chức" would end a name in running text)."""
    found, end = Scanner(cell, directory).units()
    rest = cell[end:]
    last = found[-1] if found else None
    if last is None or last.unit is not None or last.generic or not rest[:1].isspace():
        return found
    if not rest.strip()[:1].islower() or _ROLE_RE.match(fold(rest.strip())):
        return found  # "X chủ trì, phối hợp với Y": the name ends at its role
    start = end - len(last.written)
    stop = cell.find(";", end)
    stop = len(cell) if stop < 0 else stop
    whole = Named(cell[start:stop].strip(" .,"))
    after = cell_units(cell[stop + 1 :], directory) if stop < len(cell) else []
    return [*found[:-1], whole, *after]
