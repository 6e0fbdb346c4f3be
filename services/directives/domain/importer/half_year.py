"""Half-yearly reporting deadlines, and the shapes every deadline reader returns.

Decree 09/2019 reports run "định kỳ 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12)".
A Deadline has no half-year kind, and the phrase is exactly two yearly deadlines, so it
is read as both: the duty is registered once per date. Taking the first date with the
document's year would be a silent wrong guess (a one-off deadline for a recurring report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.contracts.values import Deadline, DeadlineKind

_ON = r"\(?\s*(?:truoc |cham nhat |khong qua )?(?:ngay )?(\d{1,2}) ?/ ?(\d{1,2})\s*\)?"
_HALF_RE = re.compile(
    r"\b(?:(?:dinh ky|bao cao|hang) )?(?:0?6 thang|sau thang)(?: dau nam| mot lan)?,?\s*" + _ON
    + r"\s*(?:,|;|va)\s*(?:bao cao )?(?:ca |hang )?nam,?\s*" + _ON
)  # fmt: skip


@dataclass
class Found:
    deadline: Deadline = field(default_factory=Deadline.none)
    span: tuple[int, int] | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    more: list[Deadline] = field(default_factory=list)  # further deadlines of the same duty


def half_yearly(text: str, folded: str) -> Found | None:
    """Both yearly deadlines of a half-yearly report, or None when the text has none."""
    m = _HALF_RE.search(folded)
    if m is None:
        return None
    days = [(int(m.group(i)), int(m.group(i + 1))) for i in (1, 3)]
    if not all(1 <= d <= 31 and 1 <= mo <= 12 for d, mo in days):
        return unparsed(text, folded, m.start())
    written = text[m.start() : m.end()]
    first, second = (
        Deadline(kind=DeadlineKind.YEARLY, day=d, month=mo, text=written) for d, mo in days
    )
    return Found(first, (m.start(), m.end()), more=[second])


def unparsed(text: str, folded: str, start: int) -> Found:
    end = len(text)
    stop = re.search(r"[;.](?:\s|$)", folded[start:])
    if stop is not None:
        end = start + stop.start()
    phrase = text[start:end].strip(" ,;.")[:120]
    return Found(
        Deadline(kind=DeadlineKind.NONE, text=phrase),
        None,
        [("unparsed_deadline", f"Không đọc được thời hạn “{phrase}”; cần nhập tay.")],
    )
