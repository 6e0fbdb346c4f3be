"""Duties in the body: who leads, who coordinates, what, by when.

Reads the forms a Department's documents use:
- "Giao/Yêu cầu/Đề nghị X chủ trì, phối hợp với Y, Z <action>, hoàn thành trước ..."
- "Yêu cầu X, Y: <action>" and "X: <action>" (each unit gets its own duty);
- "Giao X:" followed by "+ Chủ trì, phối hợp với Y ..." / "+ Phối hợp với Y <action>"
  bullets, where X is the lead of every bullet;
- "Điều 3. Chánh Văn phòng Sở, Trưởng các phòng ... chịu trách nhiệm thi hành ...";
- plan items followed by "- Đơn vị chủ trì: X; - Đơn vị phối hợp: Y; - Thời gian: Z".
A bullet holding several duties ("kiểm tra ...; tổng hợp, báo cáo ... trước ngày
15/12 hằng năm") is split where a clause opens with a verb and carries its own deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.contracts.values import Deadline, DeadlineKind

from ..directory import UnitDirectory
from .deadlines import Found, find_deadline
from .outline import ATTR_RE, Node, outline
from .text import Notes, clean_action, first_sentence, fold, split_top
from .units import VERB_RE, Named, Scanner

_ASK_RE = re.compile(r"(?:giao|yeu cau|de nghi|phan cong|chi dao)(?: cho)? ")
_COORD_RE = re.compile(r"(?:va |dong thoi )?(?:phoi hop|cung)(?: chat che)?(?: voi) ")
_SENTENCE_RE = re.compile(r"[.;]\s+(?=[A-ZĐÀ-Ỹ])")
_NOT_ADDRESSEE_RE = re.compile(r"(?:nhu sau|cac noi dung|mot so|noi dung|thuc hien|sau)\b|\W*$")
_CONNECTOR_RE = re.compile(
    r"[\s,;:]*(?:(?:va |de )?(?:hoan thanh|xong|thoi han(?: hoan thanh)?"
    r"|thoi gian(?: hoan thanh| thuc hien)?))?[\s,;:]*$"
)


@dataclass
class Duty:
    lead: Named | None
    lead_written: str
    coordinating: list[Named]
    action: str
    deadline: Deadline = field(default_factory=Deadline.none)
    notes: Notes = field(default_factory=Notes)


@dataclass
class _Attrs:
    lead: str | None = None
    coordinating: str | None = None
    time: str | None = None


def read_assignments(lines: list[str], directory: UnitDirectory, year: int | None) -> list[Duty]:
    duties: list[Duty] = []
    _walk(outline(lines), None, directory, year, duties)
    return duties


def _walk(
    nodes: list[Node],
    context: list[Named] | None,
    directory: UnitDirectory,
    year: int | None,
    out: list[Duty],
) -> None:
    for node in nodes:
        if _is_attr(node):
            continue
        attrs = _attributes(node)
        leads, action = _parse(node, context, directory, attrs)
        children = [c for c in node.children if not _is_attr(c)]
        if leads is not None and children and not action[1].strip(" :"):
            _walk(children, leads, directory, year, out)
            continue
        if leads is not None and children and node.text.rstrip().endswith(":"):
            _walk(children, leads, directory, year, out)
            continue
        made = _duties(leads, action, directory, year, attrs) if leads is not None else []
        out += made
        # Sub-items of a duty are its details; only their own explicit assignments count.
        _walk(children, None if made else context, directory, year, out)


def _is_attr(node: Node) -> bool:
    return node.kind == "attr" or ATTR_RE.match(node.text) is not None


def _attributes(node: Node) -> _Attrs:
    attrs = _Attrs()
    texts = [node.text] + [c.text for c in node.children if _is_attr(c)]
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


# (leads or None when the node assigns nothing, (coordinating, action text))
_Parsed = tuple[list[Named] | None, tuple[list[Named], str]]


def _parse(
    node: Node, context: list[Named] | None, directory: UnitDirectory, attrs: _Attrs
) -> _Parsed:
    text = node.text
    scan = Scanner(text, directory)
    folded = scan.folded
    if attrs.lead is not None or attrs.coordinating is not None:
        inline = ATTR_RE.search(text)
        action = text[: inline.start()] if inline else text
        leads = Scanner(attrs.lead, directory).units()[0] if attrs.lead else []
        coords = Scanner(attrs.coordinating, directory).units()[0] if attrs.coordinating else []
        written = attrs.lead or "Chưa xác định"
        return (leads or [Named(written, unresolved=True)]), (coords, action.strip(" :;-–"))
    # "Quyết định này có hiệu lực ... . Chánh Văn phòng Sở, ...": each sentence may assign.
    starts = [0] + [m.end() for m in _SENTENCE_RE.finditer(text)]
    for start in starts:
        found = _assigned_at(scan, start)
        if found is not None:
            return found
    if context and (VERB_RE.match(folded) or len(folded) > 15):
        return context, _rest(scan, 0)
    return None, ([], "")


def _assigned_at(scan: Scanner, start: int) -> _Parsed | None:
    folded = scan.folded
    ask = _ASK_RE.match(folded, start)
    subject, end = scan.units(start)
    if ask is None and subject:
        ask = _ASK_RE.match(folded, _skip(folded, end))
    if ask is not None:
        leads, end = scan.units(ask.end())
        if leads:
            return leads, _rest(scan, end)
        unresolved = _unresolved(scan.text, folded, ask.end())
        return unresolved if unresolved[0] is not None else None
    if subject:
        after = _skip(folded, end)
        if folded[end : end + 1] == ":" or VERB_RE.match(folded, after) or after >= len(folded):
            return subject, _rest(scan, end)
    return None


def _skip(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos] in " ,:":
        pos += 1
    return pos


def _rest(scan: Scanner, pos: int) -> tuple[list[Named], str]:
    folded = scan.folded
    pos = _skip(folded, pos)
    if folded.startswith("chu tri", pos):
        pos = _skip(folded, pos + len("chu tri"))
    coords: list[Named] = []
    coord = _COORD_RE.match(folded, pos)
    if coord is not None:
        found, end = scan.units(coord.end())
        if found:
            coords, pos = found, _skip(folded, end)
    if folded.startswith("co trach nhiem ", pos):
        pos += len("co trach nhiem ")
    return coords, scan.text[pos:]


def _unresolved(text: str, folded: str, pos: int) -> _Parsed:
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


def _duties(
    leads: list[Named],
    parsed: tuple[list[Named], str],
    directory: UnitDirectory,
    year: int | None,
    attrs: _Attrs,
) -> list[Duty]:
    coords, action = parsed
    clauses = _clauses(action, year)
    if not clauses or not any(text for text, _ in clauses):
        return []
    attr_deadline = find_deadline(attrs.time, year, bare=True) if attrs.time else None
    duties: list[Duty] = []
    for lead in leads:
        for i, (text, found) in enumerate(clauses):
            if not text:
                continue
            if found.deadline.kind is DeadlineKind.NONE and attr_deadline is not None:
                found = attr_deadline
            written = lead.written if lead.unit is None else lead.unit.name
            duty = Duty(lead, written, coords if i == 0 else [], text, found.deadline)
            for code, message in found.warnings:
                duty.notes.add(code, "deadline", message)
            duties.append(duty)
    return duties


def _clauses(action: str, year: int | None) -> list[tuple[str, Found]]:
    groups: list[list[int]] = []
    for start, end in split_top(action):
        segment = action[start:end]
        opens = VERB_RE.match(fold(segment).lstrip(" ,"))
        if groups and opens and find_deadline(segment, year).deadline.kind is not DeadlineKind.NONE:
            groups.append([start, end])
        elif groups:
            groups[-1][1] = end
        else:
            groups.append([start, end])
    out: list[tuple[str, Found]] = []
    for start, end in groups:
        text = action[start:end]
        found = find_deadline(text, year)
        if found.span is not None and not text[found.span[1] :].strip(" ;.,/"):
            head = text[: found.span[0]]
            connector = _CONNECTOR_RE.search(fold(head))
            text = head[: connector.start()] if connector else head
        out.append((clean_action(first_sentence(clean_action(text))), found))
    return out
