"""The figure tables of the DOCX, with the headers the Office uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.document import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Length, Pt
from docx.table import _Cell

from services.reporting.adapters.docx.style import para, row_flags, widths
from services.reporting.domain.labels import AREA_LABELS, CATEGORY_LABELS, SEVERITY_LABELS
from services.reporting.domain.model import AnnualReport
from services.reporting.domain.text import number

LEFT = WD_ALIGN_PARAGRAPH.LEFT
LINE_HEIGHT = 1.15  # of Times New Roman (and Liberation Serif) at single spacing, in em
LETTER_WIDTH = 0.55  # average of a bold letter, in em, rounded up
CELL_MARGIN_MM = 1.9  # left and right, "Table Grid" style
CATEGORIES = ("done_on_time", "done_late", "open_in_deadline", "open_overdue")


@dataclass(frozen=True)
class Group:
    """A header cell over several columns, with a sub-header per column under it."""

    title: str
    columns: tuple[str, ...]


# The four categories (CATEGORY_LABELS, in that order) as the Office heads the
# per-unit table: two groups of two columns.
UNIT_GROUPS = (
    Group("Đã hoàn thành", ("Đúng hạn", "Quá hạn")),
    Group("Chưa hoàn thành", ("Trong hạn", "Quá hạn")),
)


def grid(
    doc: Document,
    header: Sequence[str | Group],
    rows: Sequence[Sequence[str]],
    col_mm: Sequence[float],
    size: float = 12,
) -> None:
    """A bordered table: bold centred header, first text column left-aligned.

    With a `Group` in the header, the header takes two rows: the group's title merged
    across its columns above their sub-headers, every other header cell merged down
    over both rows. The header rows repeat on every page the table spans, and no row
    is split across two pages."""
    depth = 2 if any(isinstance(h, Group) for h in header) else 1
    cols = sum(len(h.columns) if isinstance(h, Group) else 1 for h in header)
    table = doc.add_table(rows=depth + len(rows), cols=cols)
    table.style = doc.styles["Table Grid"]
    widths(table, *col_mm)  # before merging: a merged cell adds up its columns' widths
    top = table.rows[0].cells
    col, tall, flat = 0, 1, 1  # lines: the longest label merged down, group title
    for h in header:
        if isinstance(h, Group):
            span = len(h.columns)
            _head(top[col].merge(top[col + span - 1]), h.title, size)
            for i, sub in enumerate(h.columns):
                _head(table.cell(1, col + i), sub, size)
            flat = max(flat, _lines(h.title, sum(col_mm[col : col + span]), size))
        else:
            span = 1
            _head(top[col] if depth == 1 else top[col].merge(table.cell(1, col)), h, size)
            tall = max(tall, _lines(h, col_mm[col], size))
        col += span
    for row in table.rows[:depth]:
        row_flags(row, header=True)
    if depth == 2:
        # LibreOffice draws a repeated header row no taller than its own height, and
        # a cell merged down over both rows gets only what the two rows have: the
        # second row is made tall enough for the longest merged label, or its last
        # lines are cut off on the following pages (Word grows the rows either way).
        second = table.rows[1]
        second.height = Pt(max(tall - flat, 1) * LINE_HEIGHT * size)
        second.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for row, values in zip(table.rows[depth:], rows, strict=True):
        row_flags(row)
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            para(cell, text, size=size, align=LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER)


def _lines(text: str, width_mm: float, size: float) -> int:
    """About how many lines `text` takes in bold `size` pt in a cell `width_mm` wide:
    a greedy word wrap at a generous letter width."""
    room = (width_mm - 2 * CELL_MARGIN_MM) / 25.4 * 72 / (LETTER_WIDTH * size)
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _head(cell: _Cell, text: str, size: float) -> None:
    para(cell, text, size=size, bold=True)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


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
    header: list[str | Group] = ["TT", "Phòng, đơn vị", "Tổng số nhiệm vụ", *UNIT_GROUPS]
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
