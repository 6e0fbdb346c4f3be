"""One duty's text cut into clauses, each with its own deadline.

A bullet holding several duties ("kiểm tra ...; tổng hợp, báo cáo ... trước ngày 15/12
hằng năm") is split where a clause opens with a verb and carries its own deadline. A
clause that is only a deadline ("...; hoàn thành trong quý III/2021") is not a duty: it
dates the clause before it. The deadline phrase is cut from the action when it opens or
closes the clause, with the words that only introduce it ("hoàn thành", "thời gian:").
"""

from __future__ import annotations

import re

from shared.contracts.values import DeadlineKind

from .deadlines import Found, When, find_deadline
from .text import UPPER, clean_action, first_sentence, fold, split_top
from .units import VERB_RE

_CONNECTOR_RE = re.compile(
    r"[\s,;:]*(?:(?:va |de )?(?:hoan thanh|xong|thoi han(?: hoan thanh)?"
    r"|thoi gian(?: hoan thanh| thuc hien)?))?[\s,;:]*$"
)
_LEAD_IN_RE = re.compile(r"^[\s,;:]*(?:dinh ky|hang|thoi han|thoi gian)?[\s,;:]*$")
# "…; đồng thời tổng hợp …", "…; sau đó báo cáo …": a connective before a clause's verb.
_CONNECTIVE_RE = re.compile(r"^(?:dong thoi|sau do|tiep theo|ngoai ra|va)[\s,]+")
# "Sau kỳ nghỉ lễ, tổng hợp …", "Kết thúc đợt cao điểm, báo cáo …": a sentence opening with
# when it comes after the work before it is a later step of its own.
_LATER_STEP_RE = re.compile(r"^(?:sau (?!do\b)|ket thuc )[^\W\d_][^,;.:]{0,40},\s*")


def clauses(action: str, year: When) -> list[tuple[str, Found, str]]:
    """(action as the clerk reads it, its deadline, the clause's whole text) per duty."""
    groups: list[list[int]] = []  # start, end, where the action's words start
    for start, end in _pieces(action):
        segment = action[start:end]
        folded = fold(segment).lstrip(" ,")
        later = _LATER_STEP_RE.match(folded) if action[:start].rstrip().endswith(".") else None
        opens = VERB_RE.match(_CONNECTIVE_RE.sub("", folded[later.end() if later else 0 :]))
        found = find_deadline(segment, year) if groups and opens else None
        own = found is not None and found.deadline.kind is not DeadlineKind.NONE
        # A later deadline covers the clauses before it unless they carry their own: only
        # two deadlines make two duties ("quán triệt ...; rà soát ..., gửi trước ngày 30/4"
        # is one duty, due 30/4).
        dated = bool(groups) and _dated(action[groups[-1][0] : groups[-1][1]], year)
        recurring = own and found is not None and found.deadline.kind in _RECURRING
        said = action[groups[-1][2] : groups[-1][1]] if groups else ""
        if groups and (_role_only(action[groups[-1][0] : groups[-1][1]]) or _answers_only(said)):
            # "Là cơ quan thường trực Tổ công tác. Định kỳ tổng hợp …": the role the item
            # gives is no duty of its own; the duty is what follows it. So is whom the
            # subject answers to ("Chủ tịch UBND các xã chịu trách nhiệm trước Chủ tịch
            # UBND huyện nếu để dịch lây lan. Yêu cầu UBND các xã thống kê …").
            groups[-1][1:] = [end, start]
        elif (
            own
            and (dated or recurring or later)
            and found is not None
            and _without_deadline(segment, found)
        ):
            # The action is the step's verbs, not when it comes ("Sau kỳ nghỉ lễ, ").
            skip = len(segment) - len(folded) + later.end() if later else 0
            groups.append([start, end, start + skip])
        elif groups:
            groups[-1][1] = end
        else:
            groups.append([start, end, start])
    out: list[tuple[str, Found, str]] = []
    for start, end, words in groups:
        text = action[start:end]
        found = find_deadline(text, year)
        said = action[words:end]
        cut = _cut(said, find_deadline(said, year))
        out.append((clean_action(first_sentence(clean_action(cut))), found, text))
    return out


# A clause that only states the subject's role: "là cơ quan thường trực Ban Chỉ đạo …".
_ROLE_RE = re.compile(
    r"[\s,]*(?:duoc (?:giao|phan cong) )?(?:la|lam) (?:co quan|don vi)"
    r"(?: (?:thuong truc|dau moi|tham muu|chu tri|chu quan))?(?![\w])"
)


def _role_only(text: str) -> bool:
    """Whether `text` only states a role: the role's name follows it ("là cơ quan thường
    trực Ban Chỉ đạo tỉnh"), not the duty's verbs ("là đơn vị đầu mối theo dõi, …")."""
    m = _ROLE_RE.match(fold(text))
    if m is None or ";" in text or _SENTENCE_END_RE.search(text.rstrip(". ")):
        return False
    after = text[m.end() :].strip()
    # "… là đơn vị đầu mối về chuyên môn": the field of the role, still no duty.
    field = re.fullmatch(r"v[ềe] [^\W\d_]+(?: [^\W\d_]+){0,3}\.?", after)
    return not after.strip(".") or after[:1].isupper() or field is not None


_ANSWERS_RE = re.compile(r"[\s,]*chiu trach nhiem truoc ")


def _answers_only(text: str) -> bool:
    """Whether `text` is one sentence saying whom the subject answers to, no duty."""
    one = ";" not in text and not _SENTENCE_END_RE.search(text.rstrip(". "))
    return one and bool(_ANSWERS_RE.match(fold(text)))


def _pieces(action: str) -> list[tuple[int, int]]:
    """Spans of `action` split at ";" and where a sentence ends ("… hằng tháng. Đồng thời
    chủ trì … trước ngày 15/12"): a sentence may hold a duty of its own, as a clause may."""
    out: list[tuple[int, int]] = []
    for start, end in split_top(action):
        cut = start
        for m in _SENTENCE_END_RE.finditer(action, start, end):
            # "TP. Thanh Hóa", "Q. Giám đốc": a one- or two-letter word is an abbreviation.
            word = re.search(r"(\w+)$", action[cut : m.start()])
            if word is not None and len(word.group(1)) > 2:
                out.append((cut, m.start() + 1))
                cut = m.end()
        out.append((cut, end))
    return out


_SENTENCE_END_RE = re.compile(r"\.\s+(?=" + UPPER + r")")
_RECURRING = frozenset((DeadlineKind.MONTHLY, DeadlineKind.QUARTERLY, DeadlineKind.YEARLY))


def _dated(text: str, year: When) -> bool:
    """Whether a clause states a deadline of its own, even one no date can be read from
    ("vào thứ Năm hằng tuần", "trước mùa mưa lũ"): a later deadline does not cover it."""
    deadline = find_deadline(text, year).deadline
    return deadline.kind is not DeadlineKind.NONE or bool(deadline.text)


def _without_deadline(text: str, found: Found) -> str:
    return clean_action(_cut(text, found))


def _cut(text: str, found: Found) -> str:
    if found.span is None:
        return text
    start, end = found.span
    if not text[end:].strip(" ;.,/"):
        head = text[:start]
        connector = _CONNECTOR_RE.search(fold(head))
        return head[: connector.start()] if connector else head
    if _LEAD_IN_RE.match(fold(text[:start])):
        return text[end:]
    return text
