"""The head of a Decree 30/2020 document, up to where the body starts.

Reads, in any order and with the two header columns flattened or not: national name
and motto (skipped), issuing body in capitals ("UBND TỈNH THANH HÓA" / "SỞ XÂY DỰNG"),
"Số: 125/SXD-VP", "Thanh Hóa, ngày 06 tháng 4 năm 2020", an urgency line ("HỎA TỐC",
"THƯỢNG KHẨN", "KHẨN"), the type title in capitals with the summary under it
("KẾ HOẠCH" / "Thực hiện ..."), or "V/v ..." for letters, and "Kính gửi: ...".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from shared.contracts.values import DOC_TYPE_ABBREVIATIONS, DocType, Urgency

from .text import Notes, capitalise, fold, is_caps, make_date

_MOTTO_RE = re.compile(
    r"(?:cong hoa xa hoi chu nghia viet nam|doc lap ?- ?tu do ?- ?hanh phuc|-{3,}|_{3,})"
)
_NUMBER_RE = re.compile(r"\bSố\s*:\s*(\d*)\s*/\s*([0-9A-Za-zÀ-ỹĐđ][\w/-]*)?", re.IGNORECASE)
_DATE_RE = re.compile(
    r"ngay[\s.…_]*(\d{1,2})?[\s.…_]*thang[\s.…_]*(\d{1,2})?[\s.…_]*nam[\s.…_]*(\d{4})?"
)
_SUBJECT_RE = re.compile(r"(?:v/v|ve viec)\s*:?\s*")
_URGENCY = {"hoa toc": Urgency.FLASH, "thuong khan": Urgency.VERY_URGENT, "khan": Urgency.URGENT}
TYPE_NAMES: dict[DocType, str] = {
    DocType.OFFICIAL_LETTER: "công văn", DocType.RESOLUTION: "nghị quyết",
    DocType.DECISION: "quyết định", DocType.DIRECTIVE: "chỉ thị", DocType.REGULATION: "quy chế",
    DocType.RULES: "quy định", DocType.NOTICE: "thông báo", DocType.GUIDANCE: "hướng dẫn",
    DocType.PROGRAMME: "chương trình", DocType.PLAN: "kế hoạch", DocType.OPTION: "phương án",
    DocType.SCHEME: "đề án", DocType.REPORT: "báo cáo", DocType.MINUTES: "biên bản",
    DocType.SUBMISSION: "tờ trình", DocType.TELEGRAM: "công điện",
    DocType.INVITATION: "giấy mời",
}  # fmt: skip
TYPE_TITLES: dict[str, DocType] = {fold(name): doc_type for doc_type, name in TYPE_NAMES.items()}
_BY_ABBREVIATION = {fold(a): t for t, a in DOC_TYPE_ABBREVIATIONS.items() if a}


@dataclass
class Header:
    number: str | None = None
    symbol: str | None = None
    number_line: bool = False
    place: str | None = None
    date: dt.date | None = None
    year: int | None = None
    issuing_lines: list[str] = field(default_factory=list)
    urgency: Urgency = Urgency.NORMAL
    title_type: DocType | None = None
    subject: str | None = None
    subject_line: bool = False
    addressees: list[str] = field(default_factory=list)
    body_start: int = 0
    notes: Notes = field(default_factory=Notes)

    @property
    def symbol_type(self) -> DocType | None:
        """The type the symbol states: its first group, or a letter when that is the issuer."""
        parts = [p for p in re.split(r"[-/]", self.symbol or "") if p and not p.isdigit()]
        if len(parts) < 2:
            return None
        return _BY_ABBREVIATION.get(fold(parts[0]), DocType.OFFICIAL_LETTER)

    @property
    def symbol_issuer(self) -> str | None:
        parts = [p for p in re.split(r"[-/]", self.symbol or "") if p and not p.isdigit()]
        if not parts:
            return None
        return parts[1] if len(parts) > 1 and fold(parts[0]) in _BY_ABBREVIATION else parts[0]


def read_header(lines: list[str]) -> Header:
    head = Header()
    i = 0
    misses = 0
    while i < len(lines):
        raw = lines[i]
        for m in _MOTTO_RE.finditer(fold(raw)):
            raw = raw[: m.start()] + " " * (m.end() - m.start()) + raw[m.end() :]
        raw = _columns_joined(raw)
        i += 1
        if not raw:
            continue
        if _header_line(head, raw):
            head.body_start = i
            continue
        title = fold(raw).rstrip(" :")
        if is_caps(raw) and title in TYPE_TITLES and head.title_type is None:
            if raw.rstrip().endswith(":"):
                break
            head.title_type = TYPE_TITLES[title]
            i = _subject(head, lines, i, "")
            head.body_start = i
            continue
        if _TITLE_OR_SUBJECT.match(fold(raw)) or raw.lower().startswith("kính gửi"):
            i = _block(head, lines, i - 1, raw)
            head.body_start = i
            continue
        wired = _WIRED_TO_RE.search(fold(raw)) if _telegram(head) else None
        if wired is not None:
            # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:": a Công điện's addressees follow.
            i = _addressees(head, lines, i, raw[wired.end() :].strip())
            head.body_start = i
            continue
        misses += 1
        # Body text may follow a header we could not read; give up after a few lines.
        if head.subject or head.addressees or head.title_type or misses >= 4:
            break
    return head


def _columns_joined(raw: str) -> str:
    """A header line whose two columns were copied with several tabs arrives as cells
    ("SỞ NÔNG NGHIỆP VÀ | | Độc lập - ..."): the header is not a table, so its cells are
    its columns' text, the empty ones (and the motto, blanked) dropped."""
    cells = re.split(r"\s*\|\s*", raw) if " | " in raw else [raw]
    return re.sub(r"\s+", " ", " ".join(c for c in cells if c.strip())).strip()


_TITLE_OR_SUBJECT = re.compile(r"(?:v/v|ve viec)\b")
_BODY_OPENER_RE = re.compile(
    r"(?:[ivx]{1,4}(?:\.|/ )|\d{1,2}(?:[.)]|/ )|dieu \d|[a-z]\)"
    r"|can cu|thuc hien|theo de nghi|xet |thoi gian qua"
    r"|de (?:chu dong|bao dam|dam bao|tang cuong|trien khai|kip thoi))"
)
_WIRED_TO_RE = re.compile(r"^.{0,100}?\bdien\s*:\s*")


def _telegram(head: Header) -> bool:
    return head.title_type is DocType.TELEGRAM or head.symbol_type is DocType.TELEGRAM


def _header_line(head: Header, raw: str) -> bool:
    """One-line header parts; True when the line was one (or several, columns flattened)."""
    folded = fold(raw)
    used = False
    if not head.number_line and (m := _NUMBER_RE.search(raw)):
        _number(head, m)
        raw = (raw[: m.start()] + " " + raw[m.end() :]).strip()
        folded = fold(raw)
        used = True
    m = _DATE_RE.search(folded) if head.year is None and head.date is None else None
    if m is not None and m.start() <= 40:
        _date(head, raw, m)
        return True
    if not raw:
        return used
    if folded in _URGENCY:
        head.urgency = _URGENCY[folded]
        return True
    started = head.subject is not None or head.title_type is not None
    heading = re.match(r"[IVX]+\.|\d", raw) is not None
    if is_caps(raw) and not started and not heading and folded.rstrip(" :") not in TYPE_TITLES:
        if not head.number_line:
            head.issuing_lines.append(raw)
        return True
    return used


def _block(head: Header, lines: list[str], i: int, raw: str) -> int:
    """Multi-line parts starting at line i: title + summary, "V/v ...", "Kính gửi: ..."."""
    folded = fold(raw)
    if folded.startswith("kinh gui"):
        return _addressees(head, lines, i + 1, re.sub(r"^\S+\s+\S+\s*:?\s*", "", raw))
    if head.subject is None and (m := _SUBJECT_RE.match(folded)):
        head.subject_line = folded.startswith("v/v")
        return _subject(head, lines, i + 1, raw[m.end() :])
    return i + 1


def _number(head: Header, m: re.Match[str]) -> None:
    head.number_line = True
    head.number = m.group(1) or None
    head.symbol = (m.group(2) or "").strip("/-") or None
    if head.number is None:
        head.notes.add("blank_number", "number", "Số văn bản để trống (chưa cấp số).")


def _date(head: Header, raw: str, m: re.Match[str]) -> None:
    day, month, year = (int(g) if g else None for g in m.groups())
    place = raw[: m.start()].strip(" ,")
    head.place = place or None
    head.year = year if year and 1900 < year < 2200 else None
    if day and month and head.year:
        head.date = make_date(day, month, head.year)
    if head.date is None:
        known = "/".join(str(p) for p in (month, head.year) if p)
        detail = f" (mới ghi tháng {known})" if month and head.year else ""
        head.notes.add("blank_date", "date", f"Ngày ban hành để trống hoặc không hợp lệ{detail}.")


def _subject(head: Header, lines: list[str], i: int, first: str) -> int:
    parts = [first.strip()] if first.strip() else []
    while i < len(lines):
        line = lines[i]
        folded = fold(line)
        if not line:
            if parts:
                break
            i += 1
            continue
        if folded.startswith("kinh gui") or (is_caps(line) and parts) or re.match(r"[-+•]", line):
            break
        if _telegram(head) and _WIRED_TO_RE.search(folded):
            break  # "… điện:" opens a Công điện's addressees
        opener = _BODY_OPENER_RE.match(folded) and not line[:1].islower()
        if parts and (opener or re.search(r"[.:;]$", parts[-1])):
            # No blank line after the summary: the body starts at its first item, its
            # preamble ("Căn cứ …", "Thực hiện …") or after a sentence's full stop.
            break
        if len(parts) >= 4:
            break  # a summary is a few lines at most
        if _DATE_RE.search(folded) or _NUMBER_RE.search(line):
            break
        parts.append(line)
        i += 1
    joined = " ".join(parts)
    if fold(joined).startswith("v/v"):
        head.subject_line = True
    text = re.sub(r"^(?:v/v|về việc)\s*:?\s*", "", joined, flags=re.IGNORECASE)
    if text and head.subject is None:
        head.subject = capitalise(text.rstrip(" ."))
    return i


def _addressees(head: Header, lines: list[str], i: int, first: str) -> int:
    """The addressees from `first` (the rest of the "Kính gửi:" line) and the bullets
    from line i on."""
    if first:
        head.addressees.append(first)
    while i < len(lines) and (not first or first.startswith(("-", "+", "•"))):
        line = lines[i]
        if not line and not head.addressees:
            i += 1
            continue
        if not re.match(r"[-+•]", line):
            break
        head.addressees.append(line)
        i += 1
    return i
