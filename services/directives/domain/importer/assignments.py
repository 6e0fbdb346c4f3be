"""Duties in the body: who leads, who coordinates, what, by when.

Reads the forms a Department's documents use:
- "Giao/Yêu cầu/Đề nghị X chủ trì, phối hợp với Y, Z <action>, hoàn thành trước ..."
- "Yêu cầu X, Y: <action>" and "X: <action>" (each unit gets its own duty);
- "Giao X:" followed by "+ Chủ trì, phối hợp với Y ..." / "+ Phối hợp với Y <action>"
  bullets, where X is the lead of every bullet;
- plan items followed by "- Đơn vị chủ trì: X; - Đơn vị phối hợp: Y; - Thời gian: Z".
A bullet holding several duties ("kiểm tra ...; tổng hợp, báo cáo ... trước ngày
15/12 hằng năm") is split where a clause opens with a verb and carries its own deadline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from shared.contracts.values import Deadline, DeadlineKind

from ..directory import TITLE_RE, UnitDirectory
from .attributes import MERGED_TIME, Attrs, Parsed, attributes, cell_units, is_attr, unresolved
from .carry_out import bare_closing
from .clauses import clauses
from .coordinators import coordinators_in
from .deadlines import When, find_deadline
from .designated import designated_lead
from .inverted import THIS_TASK_RE, lead_after, lead_in_later_sentence, topic_given
from .outline import ATTR_RE, Node, outline
from .roles import role_end
from .table import rewrite_tables
from .text import UPPER, Notes, fold
from .unit_headings import unit_headings
from .units import GIVE, VERB_RE, Named, Scanner
from .voice import SPEAKING_RE, is_issuer, passes_on, proper

_ASK_RE = re.compile(rf"(?:{GIVE}|yeu cau|de nghi|phan cong|chi dao)(?: cho)? ")
# "Phối hợp Trung tâm X tuyên truyền …": "với" may be left out before the names.
_COORD_RE = re.compile(
    r"(?:va |dong thoi )?(?:chu dong )?(?:phoi hop|cung)(?: chat che)?(?: voi)? "
)
_PERFORM_RE = re.compile(r"(?:trien khai )?thuc hien ")
# Compared with diacritics: folded, "cần" reads as "căn" ("Căn cứ …").
_AS_FOLLOWS_RE = re.compile(r"(?:nhu sau|cu the nhu sau|mot so noi dung sau)\s*:")
_DUTIES_OF_RE = re.compile(r"(?:nhiem vu|trach nhiem|nhiem vu, quyen han)(?: cu the)?(?: cua)? ")
# The aims part of a plan ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục tiêu: …", "Yêu cầu: …").
_PURPOSE_RE = re.compile(
    r"(?:muc dich|muc tieu|yeu cau|quan diem)(?:,? (?:yeu cau|muc tieu))?\s*(?::|$)"
)
_MODAL_RE = re.compile(r"(?:phải|cần phải|cần) (?=\w)")
_MEETING_RE = re.compile(
    r"se (?:tiep tuc )?(?:to chuc|chu tri|trieu tap) (?:cuoc )?(?:hop|hoi nghi|giao ban)(?![\w])"
)
_PASS_ON_RE = re.compile(r"(?:yeu cau|chi dao) ")
_SENTENCE_RE = re.compile(r"[.;]\s+(?=" + UPPER + r")")
# "Sở X là cơ quan thường trực … . Chỉ đạo Chi cục Y tăng cường …": a later sentence that
# opens with "chỉ đạo" and no subject is the item's subject directing Y (Vietnamese drops
# a subject already given), not a duty handed to Y.
_DIRECTS_RE = re.compile(r"(?:dong thoi,? )?chi dao ")


@dataclass
class Duty:
    lead: Named | None
    lead_written: str
    coordinating: list[Named]
    action: str
    deadline: Deadline = field(default_factory=Deadline.none)
    notes: Notes = field(default_factory=Notes)


def read_assignments(
    lines: list[str], directory: UnitDirectory, year: When, addressees: Sequence[str] = ()
) -> list[Duty]:
    """The duties of a body; `addressees` ("Kính gửi") lead the items that name no lead."""
    duties: list[Duty] = []
    named = _addressed(addressees, directory)
    _walk(
        outline(unit_headings(rewrite_tables(lines), directory)),
        None,
        directory,
        year,
        duties,
        named,
    )
    return duties


def _addressed(addressees: Sequence[str], directory: UnitDirectory) -> list[Named] | None:
    found: list[Named] = []
    for text in addressees:
        text = text.strip().lstrip("-+• ").rstrip(" ;.,")
        units, end = Scanner(text, directory).units()
        if not units or text[end:].strip(" ,;."):
            return None  # not only unit names: no lead to give
        found += units
    return found or None


def _walk(
    nodes: list[Node],
    context: list[Named] | None,
    directory: UnitDirectory,
    year: When,
    out: list[Duty],
    addressees: list[Named] | None = None,
) -> None:
    # The leads the item before gave by name, for an item that names none.
    sibling: list[Named] | None = None
    for whole in nodes:
        if is_attr(whole) or _PURPOSE_RE.match(fold(whole.text)):
            continue  # "I. MỤC ĐÍCH, YÊU CẦU": a plan's aims, no duties
        for node in _by_subject(whole, directory, year):
            given = _one_node(node, context, directory, year, out, sibling, addressees)
            sibling = given if whole.kind not in ("para", "roman", "article") else None


def _by_subject(node: Node, directory: UnitDirectory, year: When) -> list[Node]:
    """ "Phòng A tổng hợp danh sách ... . Thời hạn: ... . Phòng B có trách nhiệm thẩm định
    ...": a later sentence with a subject of its own is another duty of the item (the
    sentences between go with the duty before them)."""
    text = node.text
    scan = Scanner(text, directory)
    cuts: list[int] = []
    short: dict[int, tuple[int, int, str]] = {}
    # "Trung tâm Y tế các huyện báo cáo … trước ngày 05 hằng tháng; Trung tâm Kiểm soát
    # bệnh tật tổng hợp, báo cáo Sở Y tế …": the item's own subject is the first to compare.
    first = _assigned_at(scan, 0)
    own = first is not None and first[0] is not None and all(map(proper, first[0]))
    last = ",".join(n.written for n in first[0]) if own and first and first[0] else None
    leads = first[0] if own and first and first[0] else []
    # "Các sở, ban, ngành; UBND các huyện …": a ";" inside that subject list is no cut.
    listed = scan.units(0)[1] if last is not None else 0
    if first is not None and first[0] and first[1][1]:
        # "Đề nghị các sở, ban, ngành tỉnh; UBND các huyện … rà soát …": the list asked,
        # groups and all, ends where its duty starts.
        listed = max(listed, text.find(first[1][1]))
    for m in _SENTENCE_RE.finditer(text):
        if m.start() < listed or _DIRECTS_RE.match(scan.folded, m.end()):
            continue
        # "… . Đồng thời, Phòng X phối hợp với Y tổ chức …": "also", one more duty.
        also = _ALSO_OPENS_RE.match(scan.folded, m.end())
        at = also.end() if also else m.end()
        found = _assigned_at(scan, at)
        if found is None and _CONDITION_RE.match(scan.folded, m.end()):
            # "Trung tâm Dịch vụ nông nghiệp huyện cấp phát hóa chất … . Sau khi cấp phát,
            # Trung tâm hướng dẫn các xã …": after a condition, the lead named again by a
            # short form is the subject of a next step, a duty of its own.
            subject = leads or ((t := _topic(scan)) and t[0]) or []
            again = _short_form_after_condition(scan, m.end(), subject) if subject else None
            if again is not None:
                cuts.append(at)
                short[at] = again
                continue
            # "… . Khi phát hiện lợn ốm, chết, Trưởng thôn báo cáo ngay …": a condition,
            # then the subject of another duty (the condition stays with it).
            found = _after_condition(scan, m.end())
        given = THIS_TASK_RE.match(scan.folded, m.end())
        if found is None and given is not None and last is None:
            # "<task> . Việc này giao X thực hiện …": X is the subject so far.
            leads, listed = scan.units(given.end())
            last = ",".join(n.written for n in leads) if leads else None
            continue
        if found is None or found[0] is None or not all(map(proper, found[0])):
            continue
        if not found[1][1].strip(" .;"):
            continue  # "… . Phòng X chủ trì.": who leads the task before, no task of its own
        if fold(found[1][1]).startswith("phoi hop") and not _acts_with_others(found[1][1], leads):
            continue  # "Sở Y phối hợp ...": a coordinator of the same duty
        who = ",".join(n.written for n in found[0])
        leads = found[0]
        apart = who != last or also is not None or _reports_apart(text, cuts, m.end(), year)
        if last is not None and apart:
            cuts.append(at)
        last = who
        listed = scan.units(m.end())[1]
    # "<task> . Việc này giao X thực hiện … . X đồng thời …": the task was given before.
    first_given = bool(cuts) and any(
        THIS_TASK_RE.match(scan.folded, m.end()) and m.end() < cuts[0]
        for m in _SENTENCE_RE.finditer(text)
    )
    if not cuts or (
        cuts[0] not in short
        and _assigned_at(scan, 0) is None
        and not _first_assigned(scan, cuts[0])
        and not first_given
    ):
        return [node]
    bounds = [0, *cuts, len(text)]
    parts = [_spelled_out(text, a, b, short.get(a)).strip() for a, b in pairwise(bounds)]
    return [
        Node(node.kind, part, node.children if i == len(parts) - 1 else [])
        for i, part in enumerate(parts)
    ]


def _reports_apart(text: str, cuts: list[int], at: int, year: When) -> bool:
    """ "Sở Nội vụ chủ trì kiểm tra công vụ … . Sở Nội vụ tổng hợp, báo cáo … định kỳ 6
    tháng, hằng năm": the same subject restated with a recurring report of its own is
    another duty (as a recurring clause after ";" is, see `clauses`)."""
    before = text[cuts[-1] if cuts else 0 : at]
    stop = _SENTENCE_RE.search(text, at)
    found = find_deadline(text[at : stop.start() if stop else len(text)], year).deadline
    if found.kind in _RECURRING or _WEEKLY_RE.search(found.text or ""):
        return True
    dated = find_deadline(before, year).deadline
    return found.kind is DeadlineKind.DATE and dated.kind is DeadlineKind.DATE


# "vào thứ Năm hằng tuần": weekly, a recurrence the deadline kinds do not hold.
_WEEKLY_RE = re.compile(r"h[ằà]ng tuần")
_RECURRING = frozenset((DeadlineKind.MONTHLY, DeadlineKind.QUARTERLY, DeadlineKind.YEARLY))


def _first_assigned(scan: Scanner, before: int) -> bool:
    """Whether a sentence before `before` already gives a duty (else the cut would leave a
    preamble on its own)."""
    return any(
        m.end() < before and (f := _assigned_at(scan, m.end())) is not None and f[0] is not None
        for m in _SENTENCE_RE.finditer(scan.text)
    )


# A condition opening a sentence, or "Ngoài ra," (besides): what follows its comma is a
# next duty when a subject of its own, or the lead named again, opens it.
_CONDITION_RE = re.compile(r"(?:khi|neu|trong truong hop|truong hop|sau khi|ngoai ra,) ")


def _after_condition(scan: Scanner, start: int) -> _Parsed | None:
    """The duty after a condition's comma: the first comma within a short reach that a
    named unit follows."""
    stop = _SENTENCE_RE.search(scan.text, start)
    end = min(start + 160, stop.start() if stop else len(scan.text))
    for comma in re.finditer(r", (?=" + UPPER + r")", scan.text[start:end]):
        found = _assigned_at(scan, start + comma.end())
        if found is not None and found[0] is not None:
            return found
    return None


def _short_forms(named: Named) -> list[str]:
    """How a letter names a unit again once named: its head noun alone ("Trung tâm",
    "Phòng", "Chi cục" for "Chi cục Kiểm lâm"), or a group's member ("Trưởng khối phố"
    for "Trưởng các khối phố")."""
    words = named.written.split()
    forms = [" ".join(w for w in words if fold(w) != "cac")] if "cac" in map(fold, words) else []
    head = next((i for i, w in enumerate(words) if i and w[:1].isupper()), 0)
    if 0 < head <= 2:
        forms.append(" ".join(words[:head]))
    return [fold(f) for f in forms if f]


def _short_form_after_condition(
    scan: Scanner, start: int, leads: list[Named]
) -> tuple[int, int, str] | None:
    """Where, after a condition's comma, the one lead so far is named again by a short
    form that a lower-case word (its verb) follows: (start, end, the full name)."""
    if len(leads) != 1:
        return None
    stop = _SENTENCE_RE.search(scan.text, start)
    end = min(start + 160, stop.start() if stop else len(scan.text))
    for comma in re.finditer(r", (?=" + UPPER + r")", scan.text[start:end]):
        at = start + comma.end()
        title = TITLE_RE.match(scan.folded, at)  # "Trưởng khối phố" for "các khối phố"
        at = title.end() if title else at
        for form in _short_forms(leads[0]):
            verb = at + len(form) + 1
            if scan.folded.startswith(form + " ", at) and scan.text[verb : verb + 1].islower():
                return at, at + len(form), leads[0].written
    return None


def _spelled_out(text: str, a: int, b: int, short: tuple[int, int, str] | None) -> str:
    """The part `text[a:b]`, the short form of its subject spelled out in full."""
    if short is None:
        return text[a:b]
    return text[a : short[0]] + short[2] + text[short[1] : b]


_ALSO_OPENS_RE = re.compile(r"dong thoi, ")
_WITH_RE = re.compile(r"phoi hop(?: chat che)? voi ")


def _acts_with_others(rest: str, leads: list[Named]) -> bool:
    """ "…; Bộ Chỉ huy Biên phòng tỉnh phối hợp với chính quyền các địa phương kiểm đếm tàu
    thuyền": a later subject acting with others than the duty's leads does a duty of its
    own ("Phòng B phối hợp với Phòng A thực hiện" coordinates A's)."""
    folded = fold(rest)
    with_ = _WITH_RE.match(folded)
    if with_ is None or not leads:
        return False
    partners = folded[with_.end() : with_.end() + 120]
    return not any(fold(n.written) in partners for n in leads)


def _one_node(
    node: Node,
    context: list[Named] | None,
    directory: UnitDirectory,
    year: When,
    out: list[Duty],
    sibling: list[Named] | None = None,
    addressees: list[Named] | None = None,
) -> list[Named] | None:
    """Reads one item into `out`; returns the leads it named itself (None when it named
    none, or heads sub-items)."""
    attrs = attributes(node)
    leads, action = _parse(node, context, directory, attrs)
    inherited = False
    # The issuer's own voice ("UBND phường yêu cầu:") is no lead of the items under it.
    voice = leads is not None and leads is context and not passes_on(leads, directory)
    if (leads is None or voice) and sibling and _continues(node):
        # "1. Các phòng GD&ĐT, các trường THPT hoàn thành … 2. Tổ chức lễ khai giảng …":
        # an item that opens with its action is addressed to the units the item before
        # it named.
        leads, action, inherited = sibling, ([], node.text), True
    elif leads is None and addressees and node.kind != "para" and _continues(node):
        # "Kính gửi: Phòng Tài nguyên và Môi trường. … 1. Kiểm tra, xử lý …": an item that
        # names no lead is the addressees' (Decree 30: the letter is theirs to carry out).
        leads, action = addressees, ([], node.text)
    elif voice and is_issuer(leads or [], directory):
        # "Sở X ban hành Kế hoạch như sau: I. MỤC ĐÍCH … II. THỜI GIAN …": headings and
        # items that name no one are not the issuer's own duties.
        leads = None
    children = [c for c in node.children if not is_attr(c)]
    if leads is not None and children and not action[1].strip(" :"):
        _walk(children, leads, directory, year, out, addressees)
        return None
    if leads is not None and children and node.text.rstrip().endswith(":"):
        _walk(children, leads, directory, year, out, addressees)
        return None
    made = _duties(leads, action, directory, year, attrs) if leads is not None else []
    out += made
    # Sub-items of a duty are its details; only their own explicit assignments count.
    _walk(children, None if made else context, directory, year, out, None if made else addressees)
    if not made or (context is not None and leads is context):
        return None
    return leads if not inherited else sibling


def _continues(node: Node) -> bool:
    """An item that opens with a duty's verb and names no unit, nor heads a list."""
    folded = fold(node.text)
    return bool(VERB_RE.match(folded)) and not node.text.rstrip().endswith(":")


_Parsed = Parsed


def _parse(
    node: Node, context: list[Named] | None, directory: UnitDirectory, attrs: Attrs
) -> _Parsed:
    text = node.text
    scan = Scanner(text, directory)
    folded = scan.folded
    if attrs.lead is not None or attrs.coordinating is not None:
        inline = ATTR_RE.search(text)
        action = text[: inline.start()] if inline else text
        leads = cell_units(attrs.lead, directory) if attrs.lead else []
        coords = cell_units(attrs.coordinating, directory) if attrs.coordinating else []
        if attrs.lead and not coords:
            # One "Đơn vị thực hiện" cell: "X chủ trì, phối hợp với Y".
            cell = Scanner(attrs.lead, directory)
            coords = _rest(cell, cell.units()[1])[0]
        written = attrs.lead or "Chưa xác định"
        return (leads or [Named(written, unresolved=True)]), (coords, action.strip(" :;-–"))
    duty_of = _DUTIES_OF_RE.match(folded)
    if duty_of is not None and node.children:
        # "Điều 2. Nhiệm vụ của Đoàn kiểm tra:", "Trách nhiệm của các phòng:": the items
        # below are that body's.
        leads, end = scan.units(duty_of.end())
        if leads and folded[end:].strip() == ":":
            return leads, ([], "")
    later = lead_in_later_sentence(scan) or topic_given(scan)
    if later is not None:
        return later[0], (later[1], later[2])
    topic = _topic(scan)
    if topic is not None:
        return topic
    if context and _PASS_ON_RE.match(folded) and passes_on(context, directory):
        # "1. Phòng Quản lý vận tải: - Yêu cầu các bến xe khách ...": under an item's lead,
        # a bullet asking other bodies is that lead's duty, not theirs.
        return context, ([], text)
    # "Quyết định này có hiệu lực ... . Chánh Văn phòng Sở, ...": each sentence may assign.
    starts = [0] + [m.end() for m in _SENTENCE_RE.finditer(text)]
    for start in starts:
        if start and _DIRECTS_RE.match(folded, start):
            continue
        found = _assigned_at(scan, start)
        if found is not None:
            return found
    # "Đối với đề xuất của ...: giao Phòng X nghiên cứu": the topic is part of the action.
    for colon in re.finditer(r":\s*", text):
        found = _assigned_at(scan, colon.end()) if _ASK_RE.match(folded, colon.end()) else None
        if found is not None and found[0] is not None:
            coords, rest = found[1]
            rest = rest[m.end() :] if (m := _PERFORM_RE.match(fold(rest))) else rest
            return found[0], (coords, f"{text[: colon.start()].rstrip()}: {rest}")
    inverted = lead_after(scan)
    if inverted is not None:
        return inverted[0], (inverted[1], inverted[2])
    asked = _asked_to_carry_out(scan)
    if asked is not None and node.children:
        return asked, ([], "")
    if context and (VERB_RE.match(folded) or len(folded) > 15):
        return context, _rest(scan, 0)
    return None, ([], "")


# Topics and conditions that open an item before its subject: "Về …", "Đối với …", "Trên
# cơ sở kết quả rà soát, Phòng X đề xuất …", "Sau khi có kết quả, …". ("Để …", "Căn cứ …"
# open preambles: "Căn cứ …, UBND tỉnh ban hành …" gives no duty.)
_CARRY_OUT_RE = re.compile(
    r"\s*(?:(?:trien khai )?thuc hien|trien khai)?\s*(?:mot so|cac|nhung)?\s*"
    r"(?:noi dung|nhiem vu|viec|cong viec)(?: cu the)?(?: nhu)? sau\s*:\s*$"
)


def _asked_to_carry_out(scan: Scanner) -> list[Named] | None:
    """ "…, Sở Tài nguyên và Môi trường đề nghị UBND các huyện thực hiện một số nội dung
    sau:": the items below are the addressees' (the intro names them mid-sentence)."""
    for m in re.finditer(r"(?<![\w])(?:de nghi|yeu cau|giao)(?: cho)? ", scan.folded):
        leads, end = scan.units(m.end())
        if leads and _CARRY_OUT_RE.match(scan.folded, end):
            return leads
    return None


_TOPIC_RE = re.compile(
    r"(?:ve|doi voi|rieng|tai|tren co so|sau khi|ngay sau khi|truong hop|trong truong hop|tu"
    # "Khi phát hiện lợn ốm, Trưởng thôn báo cáo …", "Nếu có bão, …": a condition first.
    r"|khi|neu"
    # "Ngoài ra, Trung tâm báo cáo …": besides the duty before, one more.
    r"|ngoai ra,"
    # "Trước ngày 20/9/2022, Chi cục X phải hoàn thành …": the deadline first.
    r"|truoc|cham nhat|den het|den ngay"
    # "Căn cứ Kế hoạch này, các cơ quan … xây dựng kế hoạch …": the letter itself as the
    # ground for what its addressees do (not "Căn cứ Luật …", a preamble).
    r"|can cu (?:vao )?(?:noi dung )?(?:ke hoach|chi thi|cong van|cong dien|quyet dinh"
    r"|thong bao|phuong an|van ban) nay,?) "
)


def _topic(scan: Scanner) -> _Parsed | None:
    """ "Về công tác X: Chi cục Y chủ trì ...", "Đối với các đơn vị sự nghiệp: xây dựng ...":
    a topic before the colon, the duty after it (or the topic names who does it)."""
    folded = scan.folded
    topic = _TOPIC_RE.match(folded)
    colon = folded.find(":", 0, 160)
    if topic is not None and colon < 0:
        return _after_topic(scan)
    if topic is None:
        return _labelled(scan, folded.find(":", 0, 60))
    found = _assigned_at(scan, colon + 1)
    if found is not None and found[0] is not None:
        coords, rest = found[1]
        rest = rest[m.end() :] if (m := _PERFORM_RE.match(fold(rest))) else rest
        return found[0], (coords, f"{scan.text[:colon].rstrip()}: {rest}")
    if folded.startswith("doi voi "):
        leads, end = scan.units(topic.end())
        if leads and _skip(folded, end) >= colon:
            return leads, ([], scan.text[colon + 1 :])
    return None


def _labelled(scan: Scanner, colon: int) -> _Parsed | None:
    """ "Báo cáo quý: Các bệnh viện ngoài công lập báo cáo ...": a short label (no unit)
    before the colon, the duty after it."""
    if colon < 0 or scan.text[:colon].count(" ") > 5 or scan.units(0)[0]:
        return None
    found = _assigned_at(scan, colon + 1)
    if found is None or found[0] is None or not all(map(proper, found[0])):
        return None
    coords, rest = found[1]
    return found[0], (coords, f"{scan.text[:colon].rstrip()}: {rest}")


_HEARD_RE = re.compile(r"(?<![\w])nghe $")


def _after_topic(scan: Scanner) -> _Parsed | None:
    """ "Về thẩm định giá đất Phòng Quản lý giá chủ trì ..." (a heading run into its
    paragraph), "Đối với 14 dự án đã nộp hồ sơ, Phòng Tài chính đầu tư thẩm tra ...": the
    first named unit that a verb follows is the subject."""
    for m in re.finditer(r"(?<=[\s,])(?=" + UPPER + r")", scan.text[:160]):
        if _HEARD_RE.search(scan.folded, 0, m.start()):
            # "Sau khi nghe Phòng X báo cáo …, Chủ tịch kết luận như sau:": the unit heard
            # reported at the meeting; it is given nothing.
            continue
        found = _assigned_at(scan, m.start())
        if found is not None and found[0] is not None and all(map(proper, found[0])):
            opener = scan.text[: m.start()].rstrip(" ,")
            stated = find_deadline(opener, None).deadline
            if stated.kind is DeadlineKind.NONE and not stated.text:
                return found
            # "Trước ngày 20/9/2022, Chi cục X phải hoàn thành …": the opener dates it.
            coords, rest = found[1]
            return found[0], (coords, f"{rest.rstrip(' .')}, {opener}")
    return None


# After a unit, a word that cannot open the duty's action ("Sở Xây dựng là cơ quan ...").
_NOT_ACTION = frozenset(
    ("là", "đã", "đang", "có", "được", "nhận", "và", "với", "của", "tại", "các", "những")
)


def _opens_action(scan: Scanner, pos: int) -> bool:
    word = re.match(r"[^\W\d_]+", scan.text[pos:])
    if word is None or not word.group().islower() or word.group() in _NOT_ACTION:
        return False
    speaking = SPEAKING_RE.match(scan.folded, pos)
    # "Trưởng các tổ dân phố thông báo, vận động …": informing is one of the duty's verbs
    # when another follows it; alone ("thông báo để … biết") it is the letter's own voice.
    # "Bộ Chỉ huy X thông báo cho chủ phương tiện …": informing named people is a duty.
    return (
        speaking is None
        or bool(VERB_RE.match(scan.folded, _skip(scan.folded, speaking.end())))
        or bool(_INFORMS_WHOM_RE.match(scan.folded, speaking.end()))
    )


_INFORMS_WHOM_RE = re.compile(r" (?:cho|den|toi) ")


_ALSO_RE = re.compile(r"(?:đồng thời|cũng|còn) (?=\w)")
# "Trạm X được giao là đơn vị đầu mối …": the role given, in the passive, before it.
_GIVEN_ROLE_RE = re.compile(r"được (?:giao|phân công) (?=(?:là|làm) )")
_ROLE_NOTE_RE = re.compile(r" ?\([^()]{1,160}\)")


def _assigned_at(scan: Scanner, start: int) -> _Parsed | None:
    folded = scan.folded
    ask = _ASK_RE.match(folded, start)
    subject, end = scan.units(start)
    role = _ROLE_NOTE_RE.match(folded, end) if subject else None
    # "Phòng Y tế - cơ quan thường trực … có trách nhiệm …": a role after a dash.
    end = role_end(folded, end) if subject else end
    if role is not None:
        # "Ban Quản lý dự án … (chủ đầu tư): Chỉ đạo nhà thầu …": the subject's role in
        # brackets, between it and its duty.
        end = role.end()
    if ask is None and subject:
        ask = _ASK_RE.match(folded, _skip(folded, end))
        if ask is not None and _AS_FOLLOWS_RE.match(folded, ask.end()):
            # "Giám đốc Sở GD&ĐT chỉ đạo như sau:": the letter's own voice, no duty.
            return None
        if ask is not None and folded.startswith("chi dao", ask.start()) and _groupish(subject):
            # "UBND các huyện chỉ đạo Phòng Tài chính - Kế hoạch ...": the subject leads.
            return subject, _rest(scan, end)
        if ask is not None and passes_on(subject, scan.directory):
            # "Phòng Quản lý đô thị yêu cầu đơn vị quản lý đường bộ ...": a unit under the
            # issuer asks bodies it oversees; the duty is the unit's.
            return subject, _rest(scan, end)
    if ask is not None:
        leads, end = scan.units(ask.end())
        if leads:
            return leads, _rest(scan, end)
        kept = unresolved(scan.text, folded, ask.end())
        return kept if kept[0] is not None else None
    if subject:
        after = _skip(folded, end)
        if _MEETING_RE.match(folded, after) and is_issuer(subject, scan.directory):
            # "UBND huyện sẽ tổ chức họp kiểm điểm vào ngày …": the issuer announces its own
            # meeting; it assigns nothing ("Sở X sẽ tổng hợp, báo cáo … trước ngày …" is a
            # task it takes on, and stays one).
            return None
        # "Văn phòng X đồng thời là đầu mối …", "Phòng Y cũng có trách nhiệm …": "also"
        # before the verb.
        also = _ALSO_RE.match(scan.text, after) or _GIVEN_ROLE_RE.match(scan.text, after)
        after = also.end() if also else after
        # "Chi cục X phải hoàn thành …", "Phòng Y cần rà soát …": a modal before the verb.
        modal = _MODAL_RE.match(scan.text, after)
        verb = VERB_RE.match(folded, modal.end() if modal else after)
        if folded[end : end + 1] == ":" or verb or after >= len(folded):
            return subject, _rest(scan, end)
        # At the start of an item, a unit followed by any verb gives the duty ("Sở Giao
        # thông vận tải kiện toàn ..."): the verb list cannot hold every verb.
        if (
            start == 0
            and folded[end : end + 1] in (" ", "")
            and all(map(proper, subject))
            and _opens_action(scan, after)
        ):
            return subject, _rest(scan, end)
    return None


def _groupish(named: list[Named]) -> bool:
    return any(n.generic or n.unit is None for n in named)


def _skip(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos] in " ,:":
        pos += 1
    return pos


# "có trách nhiệm", "còn có trách nhiệm" (also): words before the duty's verb.
_HAS_DUTY_RE = re.compile(r"(?:con |cung )?co trach nhiem ")


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
    duty = _HAS_DUTY_RE.match(folded, pos)
    if duty is not None:
        pos = duty.end()
    modal = _MODAL_RE.match(scan.text, pos)
    return coords, scan.text[modal.end() if modal else pos :]


def _restates(clause: str, first: str) -> bool:
    """ "X chủ trì, phối hợp với Y kiểm tra, đề xuất …; đề xuất … trước ngày 20/7": a later
    clause that dates a verb of the first one is still done with the first one's
    coordinators; one with a verb of its own ("…; tổng hợp, báo cáo …") is not."""
    folded = fold(clause)
    # "…, kịp thời báo cáo …; định kỳ báo cáo kết quả …": the verb after how often.
    often = _HOW_OFTEN_RE.match(folded)
    verb = VERB_RE.match(folded, often.end() if often else 0)
    return verb is not None and re.search(rf"\b{verb.group()}\b", fold(first)) is not None


_HOW_OFTEN_RE = re.compile(r"(?:dinh ky|hang (?:tuan|thang|quy|nam))(?: hang \w+)?[\s,]+")


def _duties(
    leads: list[Named],
    parsed: tuple[list[Named], str],
    directory: UnitDirectory,
    year: When,
    attrs: Attrs,
) -> list[Duty]:
    coords, action = parsed
    leads, coords, action = designated_lead(leads, coords, action, directory)
    found_clauses = clauses(action, year)
    if not found_clauses or not any(text for text, _, _ in found_clauses):
        return []
    attr_deadline = find_deadline(attrs.time, year, bare=True) if attrs.time else None
    if attr_deadline is not None and attrs.time_merged:
        attr_deadline.warnings.append(MERGED_TIME)
    duties: list[Duty] = []
    for lead in leads:
        for i, (text, found, whole) in enumerate(found_clauses):
            if not text or bare_closing(text, found):
                continue
            if found.deadline.kind is DeadlineKind.NONE and attr_deadline is not None:
                found = attr_deadline
            written = lead.written if lead.unit is None else lead.unit.name
            # A half-yearly report is one duty per yearly date (see half_year).
            for deadline in (found.deadline, *found.more):
                shared = coords if i == 0 or _restates(text, found_clauses[0][0]) else []
                # Any sentence of the clause may name them ("X là đơn vị tham mưu. Đơn vị
                # chủ trì, phối hợp với Y …"), not only the one the action is cut to.
                named = shared + [
                    n for n in coordinators_in(whole, directory) if n.written != lead.written
                ]
                duty = Duty(lead, written, list(dict.fromkeys(named)), text, deadline)
                for code, message in found.warnings:
                    duty.notes.add(code, "deadline", message)
                if attrs.merged:
                    duty.notes.add(
                        "merged_cell",
                        "lead_unit",
                        "Ô đơn vị chủ trì để trống (gộp với dòng trên); đã lấy đơn vị của "
                        "dòng trên, cần rà lại.",
                    )
                duties.append(duty)
    return duties
