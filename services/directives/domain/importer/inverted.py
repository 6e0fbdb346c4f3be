"""Duties whose lead is named after the task, not before it.

Reads "Việc số hóa hồ sơ ... do Văn phòng Sở chủ trì, phối hợp với ... thực hiện, hoàn
thành trước ..." and the bracketed form of plans: "Tổ chức tập huấn ... (Phòng QLHĐXD
chủ trì, phối hợp với Văn phòng Sở; thời gian: Quý III/2021)". Only a unit list followed
by its role ("chủ trì", "thực hiện", "phụ trách") counts: "do" alone also means "because".

A later sentence may give the task described before it: "… . Nhiệm vụ này giao Phòng X
chủ trì, Phòng Y phối hợp.", "… . Công ty Z được đề nghị chủ trì thực hiện, UBND các xã
phối hợp huy động nhân lực." (`lead_in_later_sentence`).
"""

from __future__ import annotations

import re

from .text import UPPER, fold

__all__ = ["THIS_TASK_RE", "lead_after", "lead_in_later_sentence", "topic_given"]
from .units import VERB_RE, Named, Scanner

_OPEN_RE = re.compile(r"(?:\bdo |\( ?)")
_ROLE_RE = re.compile(r"(?:chu tri|thuc hien|phu trach)(?![\w])")
_COORD_RE = re.compile(r"[\s,]*(?:va |dong thoi )?phoi hop(?: chat che)? voi ")
_PERFORM_RE = re.compile(r"[\s,]*(?:trien khai )?thuc hien(?![\w])")
_TOPIC_RE = re.compile(r"^(?:viec|cong viec) ")


def lead_after(scan: Scanner) -> tuple[list[Named], list[Named], str] | None:
    """(leads, coordinators, action) when the text names its lead after the task."""
    folded, text = scan.folded, scan.text
    for m in _OPEN_RE.finditer(folded):
        if m.start() == 0:
            continue
        leads, end = scan.units(m.end())
        role = _ROLE_RE.match(folded, end + 1) if leads else None
        if role is None or folded[end : end + 1] != " ":
            continue
        bracket = m.group().startswith("(")
        close = text.find(")", role.end()) if bracket else -1
        close = close if close != -1 else len(text)
        pos = role.end()
        coords: list[Named] = []
        coord = _COORD_RE.match(folded, pos)
        if coord is not None:
            coords, pos = scan.units(coord.end())
        perform = _PERFORM_RE.match(folded, pos)
        pos = perform.end() if perform else pos
        before = text[: m.start()].rstrip(" ,")
        topic = _TOPIC_RE.match(fold(before))
        before = before[topic.end() :] if topic else before
        return leads, coords, before + text[pos:close]
    return None


_SENTENCE_RE = re.compile(r"[.;]\s+(?=" + UPPER + r")")
THIS_TASK_RE = re.compile(
    r"(?:nhiem vu|viec|noi dung|cong viec) nay (?:duoc )?(?:giao|de nghi|phan cong)(?: cho)? "
)
_PASSIVE_RE = re.compile(r" duoc (?:giao|de nghi|phan cong)(?: cho)? (?=chu tri)")
_LEADS_RE = re.compile(r"chu tri(?: thuc hien)?(?![\w])")
# "… giao X chủ trì, Y phối hợp", "… chủ trì; Y phối hợp thực hiện": the coordinators' own
# clause, after a comma or a semicolon.
_THEN_COORD_RE = re.compile(r"[\s,;]*(?:va )?")
_DOES_RE = re.compile(r"(?:trien khai )?thuc hien(?![\w])")
_WITH_RE = re.compile(r"[\s,]*(?:va )?phoi hop(?: chat che)? voi ")
_COORD_ROLE_RE = re.compile(r" phoi hop(?: thuc hien)?(?![\w])")


def lead_in_later_sentence(scan: Scanner) -> tuple[list[Named], list[Named], str] | None:
    """(leads, coordinators, action) when a later sentence hands the task described
    before it to a unit ("Nhiệm vụ này giao X chủ trì", "X được đề nghị chủ trì")."""
    folded, text = scan.folded, scan.text
    for m in _SENTENCE_RE.finditer(text):
        start = m.end()
        this = THIS_TASK_RE.match(folded, start)
        leads, end = scan.units(this.end() if this else start)
        if not leads:
            continue
        if this is None:
            passive = _PASSIVE_RE.match(folded, end)
            if passive is None:
                continue
            end = passive.end() - 1
        # "Việc này giao X thực hiện": given by name, the task is X's to carry out.
        role = _LEADS_RE.match(folded, end + 1) or (
            _DOES_RE.match(folded, end + 1) if this else None
        )
        # "Nội dung này giao X tham mưu, đề xuất …": given by name with the duty's own verb.
        verb = VERB_RE.match(folded, end + 1) if this and role is None else None
        if role is None and verb is None:
            continue
        pos = role.end() if role is not None else end + 1
        coords: list[Named] = []
        with_coords = _WITH_RE.match(folded, pos)
        if with_coords is not None:
            # "…, phối hợp với Phòng Y xác định …": coordinators, then the task goes on.
            found, after = scan.units(with_coords.end())
            if found:
                rest = text[after:].lstrip(" ,.")
                return leads, found, f"{text[: m.start()].rstrip()}. {rest}".strip()
        then = _THEN_COORD_RE.match(folded, pos)
        found, after = scan.units(then.end() if then else pos)
        coord_role = _COORD_ROLE_RE.match(folded, after) if found else None
        if coord_role is not None:
            coords, pos = found, coord_role.end()
        rest = text[pos:].lstrip(" ,.")
        rest = rest[:1].upper() + rest[1:]  # a sentence of its own after the task
        return leads, coords, f"{text[: m.start()].rstrip()}. {rest}".strip()
    return None


# "Công tác tuyên truyền giao Phòng X chủ trì", "Việc số hóa hồ sơ giao Văn phòng Sở chủ
# trì": the task named first, as the sentence's topic, then the unit it is given to.
_TOPIC_GIVEN_RE = re.compile(
    r"(?:cong tac|viec|nhiem vu|noi dung) [^.;:]{1,100}? (?:giao|phan cong)(?: cho)? "
)
_THEN_SENTENCE_RE = re.compile(r"[\s,]*(?:\.\s+|; ?)")
_COORDINATES_RE = re.compile(r" phoi hop(?: thuc hien)?(?![\w])[\s,]*")


def topic_given(scan: Scanner) -> tuple[list[Named], list[Named], str] | None:
    """(leads, coordinators, action) for "Công tác X giao Phòng Y chủ trì. Trung tâm Z phối
    hợp, …": the topic is the task; a next sentence whose subject "phối hợp" names the
    coordinators, and its words go on with the task."""
    folded, text = scan.folded, scan.text
    m = _TOPIC_GIVEN_RE.match(folded)
    if m is None:
        return None
    leads, end = scan.units(m.end())
    role = _LEADS_RE.match(folded, end + 1) if leads else None
    if role is None:
        return None
    pos = role.end()
    coords: list[Named] = []
    then = _THEN_SENTENCE_RE.match(folded, pos)
    found, after = scan.units(then.end()) if then else ([], pos)
    coord_role = _COORDINATES_RE.match(folded, after) if found else None
    if coord_role is not None:
        coords, pos = found, coord_role.end()
    topic = text[: m.end()].rsplit(" ", 2)[0]
    rest = text[pos:].lstrip(" ,.;")
    return leads, coords, f"{topic}: {rest}" if rest else topic
