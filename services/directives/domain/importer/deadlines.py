"""Deadline phrases of a duty.

Reads "trước ngày 30/6/2020", "chậm nhất ngày 20/5/2020", "trước 16 giờ 00 ngày
15/5/2020", "trước ngày 15 tháng 12 năm 2020", "trước ngày 15/12 hằng năm", "trước ngày
20 hằng tháng", "hằng quý, trước ngày 15 của tháng cuối quý", "trong tháng 6/2020",
"Quý II/2020", "6 tháng đầu năm 2022", "Tháng 5 - 6/2022", "Từ 10/01/2022 đến 15/02/2022"
(a period ends on its last day), "trong năm 2023", "thường xuyên", and relative ones:
"trong 05 ngày làm việc kể từ ngày ký văn bản này" is dated from the signing date on the
working-day calendar (`shared.workdays`; receipt is taken as the signing day), while one
counted from an event the letter does not date ("kể từ ngày nhận đủ hồ sơ") is flagged.
A date without a year takes the document's year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from shared.contracts.values import Deadline, DeadlineKind
from shared.workdays import add_working_days

from .half_year import Found, half_yearly, unparsed
from .text import fold, make_date

__all__ = ["Found", "When", "find_deadline"]

# What dates a duty: the letter's signing date when printed, else its year (or nothing).
When = int | dt.date | None

_KW = (
    r"(?:truoc|cham nhat(?: la)?|muon nhat(?: la)?|han chot(?: la)?|khong muon hon|khong qua"
    r"|xong truoc|hoan thanh(?: truoc)?|thoi han(?: hoan thanh)?:?|thoi gian hoan thanh:?|trong"
    r"|den het ngay|den ngay|vao"
    # "Thời gian ra quân đồng loạt: sáng Chủ nhật, ngày 09/11/2025": a labelled time of the
    # duty, its words before the colon.
    r"|thoi gian(?: [^\W\d_]+){0,4}:"
    # "Hạn gửi dự toán về Sở Tài chính là ngày 20/3/2020", "Thời hạn nộp hồ sơ là ngày …":
    # the deadline named, then what it is for, then its date; not "gia hạn", "hạn chế".
    r"|(?<!gia )(?:thoi )?han(?! che)(?: [^\W\d_]+){0,12} la)"
)
_TIME = r"(?:(?P<h>\d{1,2}) ?(?:gio|h|:) ?(?P<mi>\d{2})?(?: ?phut)?,? )?"
_DMY = (
    r"(?:ngay )?(?P<d>\d{1,2})(?: ?[/.-] ?| thang )(?P<m>\d{1,2})"
    r"(?:(?: ?[/.-] ?| nam )(?P<y>\d{4}))?(?![\d/])"
)
# "vào sáng Chủ nhật ngày 31/8/2025", "trước 17 giờ chiều thứ Sáu, ngày 12/5/2023": the
# part of the day and the weekday say when on that date.
_DAY_PART = (
    r"(?:(?:buoi )?(?:sang|trua|chieu|toi) )?"
    r"(?:(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat),? )?"
)
_DATE_RE = re.compile(rf"\b{_KW} {_TIME}{_DAY_PART}{_DMY}")
_BARE_DATE_RE = re.compile(rf"\b{_TIME}{_DMY}")
# "trước ngày khai giảng 05/9/2023", "trước Lễ ra quân (ngày 12/3/2024)": before an event the
# letter dates, a few words naming it between the deadline word and its date.
_EVENT_DATE_RE = re.compile(
    rf"\b(?:truoc|cham nhat truoc|hoan thanh truoc|xong truoc) (?:ngay )?"
    rf"(?!khi\b|ngay\b)(?:[^\W\d_]+ ){{1,4}}\(?{_TIME}{_DAY_PART}{_DMY}"
)
_DAY_RE = re.compile(
    rf"\b{_KW} {_TIME}ngay (?P<d>\d{{1,2}})\b(?! ?[/.-] ?\d| thang \d)"
    r"(?: (?:cua )?thang (?:cuoi|thu ba|thu 3)(?: cua)?(?: moi)? quy)?"
)
_MONTH_RE = re.compile(
    r"\b(?P<kw>truoc |trong |hoan thanh trong )?thang (?P<m>\d{1,2}) ?(?:/|nam) ?(?P<y>\d{4})"
)
# "Quý III, IV/2022", "quý II và III năm 2023": a list of quarters ends with its last.
_QUARTER_RE = re.compile(
    r"\b(?P<kw>truoc |trong |hoan thanh trong )?quy (?:(?:iv|i{1,3}|[1-4])(?:, | va | - ))*"
    r"(?P<q>iv|i{1,3}|[1-4]) ?(?:/|nam) ?(?P<y>\d{4})"
)
_YEAR_RE = re.compile(r"^(?:trong )?nam (?P<y>\d{4})$")
# "hằng năm", "mỗi quý"; not "nông thôn mới năm 2023" (folded "mới" reads as "mỗi"): a
# recurrence names no year.
_RECUR = (
    (re.compile(r"\b(?:hang|moi|dinh ky hang) nam\b(?! ?\d)"), DeadlineKind.YEARLY),
    (re.compile(r"\b(?:hang|moi|dinh ky hang) quy\b(?! ?[ivx\d])"), DeadlineKind.QUARTERLY),
    (re.compile(r"\b(?:hang|moi|dinh ky hang) thang\b(?! ?\d)"), DeadlineKind.MONTHLY),
)
_ONGOING_RE = re.compile(r"\bthuong xuyen(?:, lien tuc)?\b")
# "các điểm thường xuyên ngập úng", "nơi thường xuyên xảy ra sạt lở": after a noun of place
# or of who ("khu dân cư thường xuyên bị sạt lở"), "thường xuyên" says what happens there
# often, not how often the duty is done.
_DESCRIBED_RE = re.compile(
    r"\b(?:diem|noi|khu vuc|khu dan cu|vung|tuyen|doan|ho|truong hop|doi tuong) $"
)
# "thời hạn" is a label only before its value: "bảo đảm đúng thời hạn" states no deadline.
_STRONG_RE = re.compile(
    r"\b(?:cham nhat|han chot|thoi han(?= ?:| la | hoan thanh)|truoc ngay|hoan thanh truoc"
    r"|khong muon hon|muon nhat)\b"
)
# Counted from an event the document does not date ("05 ngày làm việc kể từ ngày nhận được
# văn bản", "trong vòng 03 ngày sau khi kết thúc"): no date can be computed.
_RELATIVE_RE = re.compile(
    r"\b(?:(?:cham nhat|muon nhat|khong qua|trong vong|trong thoi han|trong|sau|truoc) )?"
    r"\d{1,3} ngay(?: lam viec)?(?: ke tu| sau| truoc| tinh tu)\b"
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Counted from the letter itself: datable from its signing date. Receipt of the letter
# ("kể từ ngày nhận được văn bản này") too: Decree 30 (art. 16) has a letter sent out the
# day it is signed, or the next working day, so the signing date is a near bound; the
# draft says so and asks the clerk to check. Receipt of anything else (a dossier, "văn bản
# yêu cầu" = a later request) is not.
_FROM_LETTER_RE = re.compile(
    r"\b(?:(?:cham nhat |muon nhat )?(?:trong (?:vong |thoi han |thoi gian )?|khong qua ))?"
    r"(?P<n>\d{1,3}) ngay(?P<work> lam viec)?,? (?:ke tu|tinh tu|sau) (?:ngay |khi )?"
    # "kể từ ngày Kế hoạch này được ban hành": the letter named by its type.
    r"(?:(?:van ban|cong van|thong bao|ke hoach|quyet dinh|chi thi|cong dien|ket luan) nay "
    r"(?:duoc )?(?=ky|ban hanh))?"
    r"(?:ky|ban hanh|(?P<receipt>nhan(?: duoc)?)(?= (?:van ban|cong van|thong bao|ke hoach"
    r"|quyet dinh|chi thi|cong dien|ket luan)(?: nay)?(?! ?\w)))"
    r"(?: (?:van ban|cong van|thong bao|ke hoach|quyet dinh|chi thi|cong dien|ket luan))?"
    r"(?: nay)?(?![\w])"
)
_HOURS_RE = re.compile(r"\b(?:trong (?:vong |thoi gian )?)?\d{1,3} gio (?:sau|ke tu|tinh tu)\b")
# "Từ ngày 24/4 đến 17 giờ 00 ngày 05/5/2024", "từ 07 giờ ngày 10/3 đến hết ngày 20/3/2023",
# "Từ 02/6 - 30/6/2024": a range ends on its last day, whatever hour either end names.
_START_TIME = r"(?:\d{1,2} ?(?:gio|h|:) ?(?:\d{2})?(?: ?phut)?,? )?"
_RANGE_RE = re.compile(
    rf"\btu {_START_TIME}(?:ngay )?\d{{1,2}} ?/ ?\d{{1,2}}(?: ?/ ?\d{{4}})?"
    rf"(?:,? (?:den|toi) | ?- ?)(?:het )?{_TIME}{_DAY_PART}{_DMY}"
)
# "Tháng 5 - 6/2022", "từ tháng 6 đến hết tháng 8/2022", "Tháng 12/2024 - tháng 01/2025":
# a range of months ends on the last day of its last month.
_MONTHS_RE = re.compile(
    r"\b(?:tu |trong )?thang (?P<m1>\d{1,2})(?: ?/ ?\d{4})? ?(?:-|den|va|toi) ?(?:het )?"
    r"(?:thang )?(?P<m>\d{1,2}) ?(?:/|nam) ?(?P<y>\d{4})"
)
_HALF_YEAR_RE = re.compile(
    r"\b(?P<from>tu )?(?:trong )?(?:0?6|sau) thang (?P<half>dau|cuoi) nam(?: (?P<y>\d{4}))?"
)
# "trong năm 2023", and a target by the year's end: "phấn đấu đến hết năm 2022 tỷ lệ … đạt"
# ("tính đến hết năm": what figures are counted to, see `_AS_OF_RE`).
_IN_YEAR_RE = re.compile(
    r"\b(?P<from>tu |tinh )?(?:hoan thanh |xong )?(?:trong (?:ca )?|den (?:het|cuoi) )nam"
    r" (?P<y>\d{4})\b"
)
_MONTH_NO_YEAR_RE = re.compile(
    r"\b(?P<kw>truoc |trong |hoan thanh trong )thang (?P<m>\d{1,2})(?![\d/]| nam)"
)
_QUARTER_NO_YEAR_RE = re.compile(
    r"\b(?P<kw>truoc |trong |hoan thanh trong )?quy (?P<q>iv|i{1,3}|[1-4])(?![\w/])(?! ?nam \d)"
)
_WEEKLY_RE = re.compile(r"\b(?:hang|moi) (?:tuan|ngay)\b")
# Until or before an event, not a date: "trước mùa mưa lũ", "đến khi kết thúc đợt nắng hạn".
_EVENT_RE = re.compile(
    r"\b(?:truoc mua|(?:cho )?den khi|den het mua|sau moi dot|sau khi ket thuc)\b"
)
_FROM_RE = re.compile(r"\btu (?:quy|thang|nam)\b")


def find_deadline(text: str, when: When, *, bare: bool = False) -> Found:
    """The deadline a duty's text states; `bare` when the text is only a deadline value."""
    issued = when if isinstance(when, dt.date) else None
    year = when.year if isinstance(when, dt.date) else when
    folded = fold(text)
    half = half_yearly(text, folded)
    if half is not None:
        return half
    letter = _FROM_LETTER_RE.search(folded)
    if letter is not None:
        return _from_letter(text, folded, letter, issued)
    relative = _RELATIVE_RE.search(folded) or _HOURS_RE.search(folded)
    if relative is not None:
        return unparsed(text, folded, relative.start())
    weekly = _WEEKLY_RE.search(folded)
    if weekly is not None:
        # No weekly or daily kind to schedule: the clerk sets it up by hand.
        return unparsed(text, folded, _phrase_start(folded, weekly.start()))
    recur = next(((m, kind) for rx, kind in _RECUR if (m := rx.search(folded))), None)
    date_m = (
        _stated_date(text, folded)
        or (_BARE_DATE_RE.search(folded) if bare else None)
        or _EVENT_DATE_RE.search(folded)
    )
    day_m = _DAY_RE.search(folded)
    if recur is not None and not (date_m is not None and date_m.group("y")):
        m_rec, kind = recur
        src = date_m if date_m is not None else day_m
        day = int(src.group("d")) if src else None
        yearly = date_m is not None and kind is DeadlineKind.YEARLY
        month = int(date_m.group("m")) if date_m is not None and yearly else None
        if (day is not None and not 1 <= day <= 31) or (month is not None and not 1 <= month <= 12):
            return unparsed(text, folded, m_rec.start())
        found = _span(text, src, m_rec)
        start, end = found.span or (0, 0)
        found.deadline = Deadline(
            kind=kind, day=day, month=month, time=_time(src), text=text[start:end]
        )
        if day is None or (kind is DeadlineKind.YEARLY and month is None):
            found.warnings.append(("incomplete_deadline", "Thời hạn định kỳ chưa ghi rõ ngày."))
        return found
    months = _MONTHS_RE.search(folded)
    if months is not None and (date_m is None or months.start() <= date_m.start()):
        return _period(text, months, year)
    ranged = _RANGE_RE.search(folded)
    if ranged is not None:
        found = _dated(text, ranged, year)
        found.span = (ranged.start(), ranged.end())
        return found
    if date_m is not None:
        return _dated(text, date_m, year)
    start_m = _FROM_RE.search(folded)
    if start_m is not None and not _DATE_RE.search(folded) and not _keyed_period(folded):
        # "Từ Quý II/2023": when the work starts, not when it is due; but "… thực hiện từ
        # năm 2026; hoàn thành trong tháng 6/2025" states its due period after the start.
        return unparsed(text, folded, start_m.start())
    for rx in (_MONTH_RE, _QUARTER_RE):
        m = rx.search(folded)
        if m is not None and not (not bare and _scope(folded, m)):
            return _period(text, m, year)
    half_m = _HALF_YEAR_RE.search(folded)
    if (
        half_m is not None
        and not half_m.group("from")
        and not (not bare and _scope(folded, half_m))
    ):
        return _half(text, half_m, year)
    in_year = _IN_YEAR_RE.search(folded)
    if in_year is not None and not in_year.group("from") and 1900 < int(in_year.group("y")) < 2200:
        last = dt.date(int(in_year.group("y")), 12, 31)
        span = (in_year.start(), in_year.end())
        return Found(Deadline(kind=DeadlineKind.DATE, date=last, text=text[slice(*span)]), span)
    if year is not None:
        for rx in (_MONTH_NO_YEAR_RE, _QUARTER_NO_YEAR_RE):
            m = rx.search(folded)
            if m is not None:
                found = _period(text, m, year)
                found.warnings.append(
                    ("year_assumed", f"Thời hạn không ghi năm; đã lấy năm {year}.")
                )
                return found
    ongoing = next(
        (m for m in _ONGOING_RE.finditer(folded) if not _DESCRIBED_RE.search(folded, 0, m.start())),
        None,
    )
    if ongoing is not None:
        span = (ongoing.start(), ongoing.end())
        return Found(Deadline(kind=DeadlineKind.ONGOING, text=text[slice(*span)]), span)
    year_m = (
        _YEAR_RE.match(re.sub(r"^(?:ca |trong ca )", "", folded.strip(" .;"))) if bare else None
    )
    last_day = make_date(31, 12, int(year_m.group("y"))) if year_m is not None else None
    if last_day is not None:
        return Found(Deadline(kind=DeadlineKind.DATE, date=last_day, text=text.strip(" .;")))
    event = _EVENT_RE.search(folded)
    if event is not None:
        return unparsed(text, folded, event.start())
    strong = _STRONG_RE.search(folded)
    if strong is not None or (bare and folded.strip(" .;")):
        return unparsed(text, folded, strong.start() if strong else 0)
    return Found()


# What a report is about: "báo cáo kết quả … 6 tháng đầu năm 2021", "đánh giá tình hình
# thu, chi ngân sách quý I/2023". A period named there is the report's scope, not its
# deadline, unless a deadline word introduces it ("trong", "trước", "hoàn thành").
_REPORT_OBJECT_RE = re.compile(r"\b(?:bao cao|ket qua|tinh hinh|so ket|tong ket|danh gia)\b")
_PERIOD_KW_RE = re.compile(r"(?:truoc|trong|hoan thanh|xong|cham nhat|thoi gian|thoi han|den)\W*$")


# "(tính đến ngày 31/8/2025)": the date figures are counted to, not a deadline ("tính"
# with its accent: folded, "tỉnh" reads alike).
_AS_OF_RE = re.compile(r"tính (?:đến|tới)(?: hết)? $", re.IGNORECASE)


def _stated_date(text: str, folded: str) -> re.Match[str] | None:
    for m in _DATE_RE.finditer(folded):
        if not _AS_OF_RE.search(text, max(0, m.start() - 5), m.start() + 4):
            return m
    return None


def _keyed_period(folded: str) -> bool:
    """Whether a deadline word introduces a month or quarter ("trong tháng 6/2025")."""
    return any(m.group("kw") for rx in (_MONTH_RE, _QUARTER_RE) for m in rx.finditer(folded))


def _scope(folded: str, m: re.Match[str]) -> bool:
    """Whether the period `m` of a running text names a report's scope (see above)."""
    if m.groupdict().get("kw") or folded.startswith("trong ", m.start()):
        return False
    before = folded[max(0, m.start() - 160) : m.start()]
    before = re.split(r"[;.:]", before)[-1]
    return not _PERIOD_KW_RE.search(before) and _REPORT_OBJECT_RE.search(before) is not None


def _phrase_start(folded: str, pos: int) -> int:
    """Back from a recurrence word to the words that open its phrase ("trước 16 giờ ...")."""
    opener = None
    for m in re.finditer(r"\b(?:truoc|vao|cham nhat|dinh ky)\b", folded[:pos]):
        opener = m
    return opener.start() if opener is not None and pos - opener.start() < 40 else pos


def _span(text: str, first: re.Match[str] | None, second: re.Match[str] | None) -> Found:
    spans = [(m.start(), m.end()) for m in (first, second) if m is not None]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    # Words between the date and "hằng năm" belong to the phrase only when they are few.
    if len(spans) == 2 and spans[1][0] - spans[0][1] > 12:
        start, end = spans[0] if spans[0][0] < spans[1][0] else spans[1]
    return Found(span=(start, end))


def _time(m: re.Match[str] | None) -> dt.time | None:
    if m is None or m.groupdict().get("h") is None:
        return None
    hour, minute = int(m.group("h")), int(m.group("mi") or 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def _dated(text: str, m: re.Match[str], year: int | None) -> Found:
    span = (m.start(), m.end())
    found = Found(span=span)
    day, month = int(m.group("d")), int(m.group("m"))
    if m.group("y") is None:
        if year is None:
            return unparsed(text, fold(text), m.start())
        found.warnings.append(
            ("year_assumed", f"Thời hạn {day}/{month} không ghi năm; đã lấy năm {year}.")
        )
    the_date = make_date(day, month, int(m.group("y") or year or 0))
    if the_date is None:
        return unparsed(text, fold(text), m.start())
    found.deadline = Deadline(
        kind=DeadlineKind.DATE, date=the_date, time=_time(m), text=text[slice(*span)]
    )
    return found


def _from_letter(text: str, folded: str, m: re.Match[str], issued: dt.date | None) -> Found:
    """ "05 ngày làm việc kể từ ngày ký": from the signing date, on working days."""
    if issued is None:
        return unparsed(text, folded, m.start())
    days = int(m.group("n"))
    due = add_working_days(issued, days) if m.group("work") else issued + dt.timedelta(days)
    span = (m.start(), m.end())
    found = Found(Deadline(kind=DeadlineKind.DATE, date=due, text=text[slice(*span)]), span)
    if m.group("receipt"):
        message = (
            f"Thời hạn tính từ ngày nhận văn bản, tạm lấy ngày ký {issued:%d/%m/%Y}: "
            f"{due:%d/%m/%Y}; cần đối chiếu ngày nhận thực tế."
        )
    else:
        message = (
            f"Thời hạn tính từ ngày ký {issued:%d/%m/%Y} (coi như ngày nhận): "
            f"{due:%d/%m/%Y}; cần rà lại."
        )
    found.warnings.append(("relative_deadline", message))
    return found


def _half(text: str, m: re.Match[str], year: int | None) -> Found:
    y = int(m.group("y")) if m.group("y") else year
    if y is None:
        return unparsed(text, fold(text), m.start())
    end = dt.date(y, 6, 30) if m.group("half") == "dau" else dt.date(y, 12, 31)
    span = (m.start(), m.end())
    found = Found(Deadline(kind=DeadlineKind.DATE, date=end, text=text[slice(*span)]), span)
    if not m.group("y"):
        found.warnings.append(("year_assumed", f"Thời hạn không ghi năm; đã lấy năm {y}."))
    return found


def _period(text: str, m: re.Match[str], year: int | None) -> Found:
    """The last day of a month or quarter; "trước tháng 6" is the day before it starts."""
    given = m.groupdict().get("y")
    if given is None and year is None:
        return unparsed(text, fold(text), m.start())
    y = int(given) if given else int(year or 0)
    if "q" in m.groupdict():
        quarter = _ROMAN.get(m.group("q")) or int(m.group("q"))
        first_month = 3 * quarter - 2
    else:
        first_month = int(m.group("m"))
        quarter = 0
    if not 1 <= first_month <= 12 or not 1900 < y < 2200:
        return unparsed(text, fold(text), m.start())
    last_month = first_month + 2 if quarter else first_month
    if m.groupdict().get("kw") == "truoc ":
        end = dt.date(y, first_month, 1) - dt.timedelta(days=1)
    else:
        end = dt.date(y, last_month, calendar.monthrange(y, last_month)[1])
    span = (m.start(), m.end())
    return Found(Deadline(kind=DeadlineKind.DATE, date=end, text=text[slice(*span)]), span)
