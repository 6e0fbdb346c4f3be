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
from .text import UPPER, fold, split_top
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
    merged: bool = False  # the lead was read from a merged table cell (the row above's)
    time_merged: bool = False  # so was the time


# The warning of a time read from a merged table cell (see `table`).
MERGED_TIME = (
    "merged_cell",
    "Ô thời gian để trống (gộp với dòng trên); đã lấy thời hạn của dòng trên, cần rà lại.",
)


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
            merged = m.group("merged") is not None
            if "phoi hop" in label:
                attrs.coordinating = attrs.coordinating or value
            elif "chu tri" in label or label.startswith(("don vi", "co quan", "bo phan")):
                attrs.lead = attrs.lead or value
                attrs.merged = attrs.merged or merged
            else:
                attrs.time = attrs.time or value
                attrs.time_merged = attrs.time_merged or merged
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
    """The units of a "chủ trì" or "phối hợp" cell. A cell holds names only, so whatever
    its parts (split at ";") say is kept: a name the directory does not know runs to the
    part's end ("Phòng Tổ chức, biên chế và tổ chức phi chính phủ", where "tổ chức" would
    end a name in running text), and a part no rule reads as a unit ("Tổ dân phố", "Các
    thành viên Tổ công tác", "Các đơn vị tham gia biểu diễn") is kept as written."""
    found: list[Named] = []
    for start, end in split_top(cell):
        part = cell[start:end].strip(" .,")
        if part:
            found += _part_units(part, directory)
    return found


def _part_units(part: str, directory: UnitDirectory) -> list[Named]:
    found, end = Scanner(part, directory).units()
    rest = part[end:]
    if not found:
        # "Chủ trì, phối hợp với …" holds no name before its role.
        return [] if _ROLE_RE.match(fold(part)) else [_as_written(part)]
    last = found[-1]
    if not rest.strip(" .,"):
        return found
    if _ROLE_RE.match(fold(rest.strip(" ,"))):
        return found  # "X chủ trì, phối hợp với Y": the name ends at its role
    # "Phòng Giám sát, kiểm tra và xử lý sau thanh tra": the fields of a name, lower case.
    goes_on = rest.lstrip(",")[:1].isspace() and rest.strip(" ,")[:1].islower()
    if last.unit is None and not last.generic and goes_on:
        start = end - len(last.written)
        return [*found[:-1], Named(part[start:].strip(" .,"))]
    # "Công an phường, Tổ dân phố": another name the scanner did not read.
    more = re.match(r"\s*(?:,|và)\s*(?=" + UPPER + r")", rest)
    return [*found, _as_written(rest[more.end() :])] if more else found


def _as_written(name: str) -> Named:
    """A name in a cell no rule reads: kept as written; "các …" is a group of bodies."""
    return Named(name.strip(" .,"), generic=bool(_PLURAL_RE.match(fold(name))))


_PLURAL_RE = re.compile(r"(?:cac|nhung) ")
