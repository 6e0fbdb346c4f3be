"""Labelled attributes of a plan item, and addressees the directory does not know.

"- Đơn vị chủ trì: X", "- Đơn vị phối hợp: Y", "- Thời gian thực hiện: Z" follow the item
they describe (or sit on its line); `attributes` collects them. `unresolved` keeps an
addressee that is no unit name ("Đề nghị các đồng chí trưởng bộ phận: ...") as written,
so that it comes back as `no_lead_unit` rather than being dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outline import ATTR_RE, Node
from .text import fold
from .units import VERB_RE, Named

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
