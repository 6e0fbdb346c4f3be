"""Parent documents cited in the text.

Reads "Kế hoạch số 84/KH-UBND ngày 06/4/2020 của UBND tỉnh về việc ...", "Quyết định
1847/QĐ-TTg ngày 27 tháng 12 năm 2018 của Thủ tướng Chính phủ", "Nghị định số
30/2020/NĐ-CP": type, number, symbol, date, issuer. Only numbered documents count: a
law cited by name alone cannot be linked to anything.
"""

from __future__ import annotations

import re

from shared.contracts.values import DocumentRef

from .text import capitalise, fold, make_date
from .units import VERB_RE

_TYPES = (
    "ke hoach", "quyet dinh", "chi thi", "nghi quyet", "nghi dinh", "thong tu lien tich",
    "thong tu", "thong bao", "cong van", "van ban", "huong dan", "chuong trinh", "de an",
    "phuong an", "bao cao", "luat", "cong dien", "quy che", "quy dinh", "to trinh", "giay moi",
)  # fmt: skip
_REF_RE = re.compile(
    r"\b(?P<type>" + "|".join(_TYPES) + r") (?:so ?:? ?)?(?P<num>\d{1,5}) ?/ ?"
    r"(?P<sym>[0-9a-z][0-9a-z/-]*[0-9a-z])"
    r"(?: ?,? ngay (?:(?P<d>\d{1,2}) ?[/.-] ?(?P<m>\d{1,2}) ?[/.-] ?(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2}) thang (?P<m2>\d{1,2}) nam (?P<y2>\d{4})))?"
    r"(?: (?:cua|do) (?P<issuer>[^;,.():\"“”]{2,80}?)(?= ve | v/v|[;,.():\"“”]| tai | tren "
    r"| nham | theo | va | trong |$))?"
)


def read_references(text: str, own_symbol: str | None = None) -> list[DocumentRef]:
    """Each cited document once, in order of first mention, missing details merged."""
    folded = fold(text)
    refs: dict[tuple[str, str], DocumentRef] = {}
    own = fold(own_symbol or "")
    for m in _REF_RE.finditer(folded):
        symbol = text[m.start("sym") : m.end("sym")]
        key = (m.group("num").lstrip("0"), fold(symbol))
        if own and key[1] == own:
            continue
        day, month, year = (m.group("d") or m.group("d2"), m.group("m") or m.group("m2"),
                            m.group("y") or m.group("y2"))  # fmt: skip
        date = make_date(int(day), int(month), int(year)) if day and month and year else None
        issuer = _issuer(text, folded, m) if m.group("issuer") else None
        ref = DocumentRef(
            doc_type=capitalise(text[m.start("type") : m.end("type")]),
            number=m.group("num"),
            symbol=symbol,
            date=date,
            issuer=issuer or None,
            text=text[m.start() : m.end()].strip(),
        )
        old = refs.get(key)
        if old is None:
            refs[key] = ref
        elif (old.date is None and date) or (old.issuer is None and issuer):
            refs[key] = old.model_copy(
                update={"date": old.date or date, "issuer": old.issuer or issuer}
            )
    return list(refs.values())


def _issuer(text: str, folded: str, m: re.Match[str]) -> str | None:
    """ "của Thủ tướng Chính phủ phê duyệt ...": the issuer ends where a verb starts."""
    start, end = m.span("issuer")
    for word in re.finditer(r"\S+", folded[start:end]):
        if word.start() and VERB_RE.match(folded, start + word.start()):
            end = start + word.start()
            break
    return text[start:end].strip() or None
