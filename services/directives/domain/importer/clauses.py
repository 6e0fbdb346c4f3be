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
from .text import clean_action, first_sentence, fold, split_top
from .units import VERB_RE

_CONNECTOR_RE = re.compile(
    r"[\s,;:]*(?:(?:va |de )?(?:hoan thanh|xong|thoi han(?: hoan thanh)?"
    r"|thoi gian(?: hoan thanh| thuc hien)?))?[\s,;:]*$"
)
_LEAD_IN_RE = re.compile(r"^[\s,;:]*(?:dinh ky|hang|thoi han|thoi gian)?[\s,;:]*$")


def clauses(action: str, year: When) -> list[tuple[str, Found]]:
    groups: list[list[int]] = []
    for start, end in split_top(action):
        segment = action[start:end]
        opens = VERB_RE.match(fold(segment).lstrip(" ,"))
        found = find_deadline(segment, year) if groups and opens else None
        own = found is not None and found.deadline.kind is not DeadlineKind.NONE
        # A later deadline covers the clauses before it unless they carry their own: only
        # two deadlines make two duties ("quán triệt ...; rà soát ..., gửi trước ngày 30/4"
        # is one duty, due 30/4).
        dated = bool(groups) and _dated(action[groups[-1][0] : groups[-1][1]], year)
        recurring = own and found is not None and found.deadline.kind in _RECURRING
        if own and (dated or recurring) and found is not None and _without_deadline(segment, found):
            groups.append([start, end])
        elif groups:
            groups[-1][1] = end
        else:
            groups.append([start, end])
    out: list[tuple[str, Found]] = []
    for start, end in groups:
        text = action[start:end]
        found = find_deadline(text, year)
        out.append((clean_action(first_sentence(clean_action(_cut(text, found)))), found))
    return out


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
