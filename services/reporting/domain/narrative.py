"""The drafted text of the report's five sections, written from the figures.

The Office edits the text before signing; whatever it supplies for a section replaces
the draft (source "office"), the rest stays drafted from the figures (source
"drafted"), so a figure that changes changes its sentence too.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.reporting.domain.labels import AREA_LABELS, CATEGORY_LABELS, SECTION_TITLES
from services.reporting.domain.model import (
    Directives,
    Dissemination,
    Inspections,
    NarrativeSection,
    TaskFigures,
)
from services.reporting.domain.periods import Period
from services.reporting.domain.text import number, vn_date


def _overview(agency_name: str, period: Period, d: Directives, s: Dissemination) -> str:
    span = f"từ ngày {vn_date(period.start)} đến ngày {vn_date(period.end)}"
    if d.items:
        docs = "; ".join(f"văn bản số {i.reference} ngày {vn_date(i.date)}" for i in d.items)
        issued = f"{agency_name} đã ban hành {d.count.value} văn bản chỉ đạo, triển khai ({docs})"
    else:
        issued = f"{agency_name} chưa ban hành văn bản chỉ đạo, triển khai riêng trong kỳ"
    text = (
        "Thực hiện Quyết định số 1847/QĐ-TTg ngày 27/12/2018 của Thủ tướng Chính phủ phê "
        f"duyệt Đề án Văn hóa công vụ, trong kỳ báo cáo ({span}), {issued}."
    )
    if s.units_total.value:
        text += (
            f" Đã có {s.units_confirmed.value}/{s.units_total.value} phòng, đơn vị xác nhận "
            "hoàn thành việc quán triệt, tuyên truyền, phổ biến tới "
            f"{s.staff_reached.value}/{s.staff_total.value} cán bộ, công chức, viên chức và "
            "người lao động."
        )
    return text


def _results(t: TaskFigures, i: Inspections) -> str:
    parts = [
        f"{CATEGORY_LABELS[key].lower()} {share.value} ({number(share.percent)}%)"
        for key, share in (
            ("done_on_time", t.done_on_time),
            ("done_late", t.done_late),
            ("open_in_deadline", t.open_in_deadline),
            ("open_overdue", t.open_overdue),
        )
    ]
    text = f"Tổng số nhiệm vụ được giao trong kỳ: {t.total.value}, trong đó: {'; '.join(parts)}."
    if t.cancelled.value:
        text += f" Có {t.cancelled.value} nhiệm vụ bị hủy, không tính vào tổng số."
    if not i.inspections.value:
        return text + " Trong kỳ chưa tổ chức kiểm tra việc thực hiện văn hóa công vụ."
    areas = "; ".join(f"{AREA_LABELS[a].lower()}: {f.value}" for a, f in i.findings_by_area.items())
    return text + (
        f" Công tác kiểm tra: đã tiến hành {i.inspections.value} cuộc kiểm tra tại "
        f"{i.units_inspected.value} phòng, đơn vị; phát hiện {i.findings.value} trường hợp "
        f"vi phạm ({areas}); đã khắc phục {i.resolved.value} trường hợp, trong đó "
        f"{i.resolved_on_time.value} trường hợp đúng hạn."
    )


def _limitations(t: TaskFigures, s: Dissemination, i: Inspections) -> str:
    issues = []
    if t.open_overdue.value:
        issues.append(f"còn {t.open_overdue.value} nhiệm vụ chưa hoàn thành, quá hạn")
    if s.units_not_confirmed.value:
        names = ", ".join(u.name for u in s.units_not_confirmed.value)
        issues.append(f"{names} chưa xác nhận hoàn thành việc quán triệt, tuyên truyền")
    if i.unresolved.value:
        issues.append(f"còn {i.unresolved.value} trường hợp vi phạm chưa được khắc phục")
    if not issues:
        return "Số liệu theo dõi không ghi nhận nhiệm vụ quá hạn hay vi phạm chưa khắc phục."
    text = "; ".join(issues)
    return text[0].upper() + text[1:] + "."


def _next_year(year: int, t: TaskFigures, i: Inspections) -> str:
    carried = t.open_in_deadline.value + t.open_overdue.value
    text = (
        f"Năm {year + 1}, tiếp tục quán triệt, thực hiện nghiêm Đề án Văn hóa công vụ, "
        "thực hiện có hiệu quả “4 xin, 4 luôn” trong giao dịch với người dân, doanh nghiệp"
    )
    if carried:
        text += f"; hoàn thành {carried} nhiệm vụ chưa hoàn thành chuyển sang"
    if i.unresolved.value:
        text += f"; đôn đốc khắc phục {i.unresolved.value} trường hợp vi phạm còn lại"
    return (
        f"{text}; duy trì kiểm tra, giám sát việc thực hiện văn hóa công vụ tại các phòng, đơn vị."
    )


SECTION_KEYS = tuple(SECTION_TITLES)

PROPOSALS = (
    "Đề nghị Sở Nội vụ tiếp tục hướng dẫn, tổ chức tập huấn, bồi dưỡng về văn hóa công vụ "
    "cho cán bộ, công chức, viên chức."
)


def draft(
    *,
    agency_name: str,
    year: int,
    period: Period,
    directives: Directives,
    dissemination: Dissemination,
    tasks: TaskFigures,
    inspections: Inspections,
    supplied: Mapping[str, str] | None,
) -> dict[str, NarrativeSection]:
    # Keys other than SECTION_KEYS are ignored: a stored typo must not stop the report
    # (the API validates keys on input).
    drafted = {
        "overview": _overview(agency_name, period, directives, dissemination),
        "results": _results(tasks, inspections),
        "limitations": _limitations(tasks, dissemination, inspections),
        "next_year": _next_year(year, tasks, inspections),
        "proposals": PROPOSALS,
    }
    sections = {}
    for key, title in SECTION_TITLES.items():
        office = (supplied or {}).get(key)
        sections[key] = NarrativeSection(
            title=title.format(next_year=year + 1),
            text=office if office is not None else drafted[key],
            source="office" if office is not None else "drafted",
        )
    return sections
