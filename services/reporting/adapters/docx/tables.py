"""The figure tables of the DOCX, with the headers the Office uses."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length

from services.reporting.adapters.docx.style import para, widths
from services.reporting.domain.labels import AREA_LABELS, CATEGORY_LABELS, SEVERITY_LABELS
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.text import number

LEFT = WD_ALIGN_PARAGRAPH.LEFT
CATEGORIES = ("done_on_time", "done_late", "open_in_deadline", "open_overdue")


def grid(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    col_mm: Sequence[float],
    size: float = 12,
) -> None:
    """A bordered table: bold centred header, first text column left-aligned."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    widths(table, *col_mm)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        para(cell, text, size=size, bold=True)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            para(cell, text, size=size, align=LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER)


def task_table(doc: Document, report: AnnualReport) -> None:
    t = report.tasks
    shares = {"done_on_time": t.done_on_time, "done_late": t.done_late}
    shares |= {"open_in_deadline": t.open_in_deadline, "open_overdue": t.open_overdue}
    rows = [
        [str(i), CATEGORY_LABELS[k], str(shares[k].value), number(shares[k].percent)]
        for i, k in enumerate(CATEGORIES, start=1)
    ]
    rows.append(["", "Tổng số", str(t.total.value), number(100.0 if t.total.value else 0.0)])
    rows.append(["", "Nhiệm vụ bị hủy (không tính vào tổng số)", str(t.cancelled.value), ""])
    grid(doc, ["TT", "Nội dung", "Số nhiệm vụ", "Tỷ lệ (%)"], rows, (12, 103, 25, 25))


def _yes(value: bool | None, no: str = "Chưa") -> str:
    return "" if value is None else ("Có" if value else no)


def unit_table(doc: Document, report: AnnualReport) -> None:
    header = ["TT", "Phòng, đơn vị", "Tổng số nhiệm vụ"]
    header += [CATEGORY_LABELS[k] for k in CATEGORIES]
    header += ["Đã quán triệt", "Số người được phổ biến", "Được kiểm tra", "Số vi phạm"]
    header += ["Đã khắc phục"]
    rows = []
    for i, u in enumerate(report.units, start=1):
        counts = [u.tasks.done_on_time, u.tasks.done_late]
        counts += [u.tasks.open_in_deadline, u.tasks.open_overdue]
        reached = u.staff_reached.value
        rows.append(
            [str(i), u.name, str(u.tasks.total.value)]
            + [str(c.value) for c in counts]
            + [_yes(u.dissemination_confirmed.value), "" if reached is None else str(reached)]
            + [_yes(u.inspected.value, "Không"), str(u.findings.value)]
            + [str(u.findings_resolved.value)]
        )
    # Proportions of the columns, spread over the text width of the (landscape) page.
    shares = (8, 45, 16, 18, 18, 18, 18, 18, 20, 16, 16, 16)
    section = doc.sections[-1]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    assert width is not None and left is not None and right is not None  # set by setup()
    scale = Length(width - left - right).mm / sum(shares)
    grid(doc, header, rows, [w * scale for w in shares], size=10)


def inspection_table(doc: Document, report: AnnualReport) -> None:
    i = report.inspections
    rows = [
        ["1", "Số cuộc kiểm tra", str(i.inspections.value)],
        ["2", "Số phòng, đơn vị được kiểm tra", str(i.units_inspected.value)],
        ["3", "Số trường hợp vi phạm", str(i.findings.value)],
    ]
    rows += [["", f"- {AREA_LABELS[a]}", str(f.value)] for a, f in i.findings_by_area.items()]
    rows += [
        ["", f"- Mức độ {SEVERITY_LABELS[s].lower()}", str(f.value)]
        for s, f in i.findings_by_severity.items()
    ]
    rows += [
        ["4", "Số vi phạm đã khắc phục", str(i.resolved.value)],
        ["", "- Trong đó khắc phục đúng hạn", str(i.resolved_on_time.value)],
        ["5", "Số vi phạm chưa khắc phục", str(i.unresolved.value)],
    ]
    grid(doc, ["TT", "Nội dung", "Số lượng"], rows, (12, 118, 35))


def dissemination_table(doc: Document, report: AnnualReport) -> None:
    d = report.dissemination
    pending = ", ".join(u.name for u in d.units_not_confirmed.value) or "Không"
    rows = [
        ["1", "Số phòng, đơn vị được giao quán triệt, phổ biến", str(d.units_total.value)],
        ["2", "Số phòng, đơn vị đã xác nhận hoàn thành", str(d.units_confirmed.value)],
        ["3", "Phòng, đơn vị chưa xác nhận", pending],
        ["4", "Số CBCCVC, người lao động của các phòng, đơn vị", str(d.staff_total.value)],
        ["5", "Số người đã được quán triệt, phổ biến", str(d.staff_reached.value)],
        ["6", "Tỷ lệ người được quán triệt, phổ biến (%)", number(d.staff_reached_percent)],
    ]
    grid(doc, ["TT", "Nội dung", "Kết quả"], rows, (12, 103, 50))
