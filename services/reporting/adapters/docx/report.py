"""The annual report printed as a Decree 30 administrative document (DOCX).

Layout, top to bottom: header table (issuing body and number left; national name,
motto, place and date right), type "BÁO CÁO" and summary, the five narrative sections
with the figure tables under section II, then "Nơi nhận" left and the signer right.
Headings are kept with what follows them, and the closing block with the end of the
text, so that the signature never opens a page on its own (checked on the pages
LibreOffice renders: tests/unit/test_reporting_docx_pages.py).
Everything is printed from the report's JSON form fields, so the DOCX and the JSON
can never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from services.reporting.adapters.docx.style import (
    borderless,
    keep,
    para,
    row_flags,
    rule,
    setup,
    widths,
)
from services.reporting.adapters.docx.tables import (
    dissemination_table,
    inspection_table,
    task_table,
    unit_table,
)
from services.reporting.domain.labels import SUMMARY
from services.reporting.domain.model import AnnualReport, SignerOut
from services.reporting.domain.periods import local_date

JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT
# Characters: a longer paragraph takes two lines at least (a line of 14 pt Times New
# Roman over the 165 mm text width holds some 70 to 80).
TWO_LINES = 85


def decree30_date(place: str, report: AnnualReport) -> str:
    """Place and date line, e.g. "Thanh Hóa, ngày 05 tháng 01 năm 2021": Decree 30 pads
    days below 10 and the months January and February with a zero, no other month."""
    day = local_date(report.generated_at)
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _header(doc: Document, report: AnnualReport) -> None:
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    widths(table, 65, 100)
    left, right = table.rows[0].cells
    para(left, f"UBND TỈNH {report.province.upper()}", size=13)
    para(left, report.agency_name.upper(), size=13, bold=True)
    rule(left, 20, 65)
    para(left, f"Số:      /BC-{report.short_name}", size=13)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    rule(right, 55, 100)
    para(right, decree30_date(report.province, report), size=14, italic=True)


def _title(doc: Document, report: AnnualReport) -> None:
    doc.add_paragraph()
    para(doc, "BÁO CÁO", bold=True)
    para(doc, SUMMARY.format(year=report.year), bold=True)
    rule(doc, 30, 165)


def implements_lines(report: AnnualReport) -> list[str]:
    """ "Thực hiện văn bản số 84/KH-UBND ngày 06/04/2020 của UBND tỉnh (…);": the upper
    directives the agency implements, each on its line, as a report opens."""
    lines = []
    for n, u in enumerate(report.implements, 1):
        day = f" ngày {u.date:%d/%m/%Y}" if u.date else ""
        end = "." if n == len(report.implements) else ";"
        lines.append(f"Thực hiện văn bản số {u.reference}{day} của {u.issuer} ({u.subject}){end}")
    return lines


def _body(doc: Document, report: AnnualReport) -> None:
    for line in implements_lines(report):
        para(doc, line, align=JUSTIFY, indent=True)
    text: list[Paragraph] = []
    for key, section in report.narrative.items():
        keep(para(doc, section.title, bold=True, align=JUSTIFY, indent=True))
        lines = filter(None, (s.strip() for s in section.text.splitlines()))
        text = [para(doc, line, align=JUSTIFY, indent=True) for line in lines]
        if key == "results":
            _figures(doc, report)
    # The end of the text goes with the closing block: the last paragraph is kept
    # with it, and the one before too when the last may be a single line, so that
    # two lines at least come along. No more than that: Word would break a long kept
    # paragraph and move only its last lines, but LibreOffice moves kept paragraphs
    # whole, leaving their height blank at the foot of the page before.
    tail = text[-2:] if text and len(text[-1].text) < TWO_LINES else text[-1:]
    for paragraph in tail:
        keep(paragraph, together=False)


def _figures(doc: Document, report: AnnualReport) -> None:
    blocks = (
        ("1. Kết quả thực hiện nhiệm vụ được giao", task_table),
        ("2. Kết quả thực hiện theo phòng, đơn vị", unit_table),
        ("3. Kết quả kiểm tra việc thực hiện văn hóa công vụ", inspection_table),
        ("4. Quán triệt, tuyên truyền, phổ biến", dissemination_table),
    )
    for heading, table in blocks:
        wide = table is unit_table
        if wide:
            _orient(doc, landscape=True)
        keep(para(doc, heading, bold=True, italic=True, align=JUSTIFY, indent=True))
        table(doc, report)
        doc.add_paragraph()
        if wide:
            _orient(doc, landscape=False)


def _orient(doc: Document, *, landscape: bool) -> None:
    """A new section, landscape for the per-unit table (twelve columns do not fit a
    portrait A4 page legibly), portrait again after it; margins carry over."""
    previous = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    assert previous.page_width is not None and previous.page_height is not None
    short, long_ = sorted((previous.page_width, previous.page_height))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, getattr(doc.sections[0], side))


def signer_lines(signer: SignerOut | None, agency_name: str) -> list[str]:
    """Authority and title lines: "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" for a deputy signing
    for the head; the head's title is the deputy's without "Phó" (a Department's
    head is its Giám đốc when the title does not say)."""
    if signer is None:
        return []
    title = signer.title.upper()
    if signer.authority is None:
        return [title]
    if signer.authority == "TM.":
        return [f"TM. {agency_name.upper()}", title]
    if signer.authority == "Q.":
        return [f"Q. {title}"]
    head = title[4:] if title.startswith("PHÓ ") else "GIÁM ĐỐC"
    return [f"{signer.authority} {head}", title]


def _closing(doc: Document, report: AnnualReport) -> None:
    """The closing block: "Nơi nhận" left, the signer right (authority, title, room
    for the signature and the seal, name), in one borderless row that never breaks
    across pages. Both the row (w:cantSplit) and each of its paragraphs (keep with
    next, keep lines together) say so: LibreOffice 7.4 keeps the row whole for
    either, Word reads the paragraphs' keeps inside a table as "keep with the next
    row". The block moves as one, and the end of the text (see `_body`) with it."""
    table = doc.add_table(rows=1, cols=2)
    borderless(table)
    widths(table, 75, 90)
    row_flags(table.rows[0])
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
    for i, name in enumerate(report.recipients):
        end = "." if i == len(report.recipients) - 1 else ";"
        para(left, f"- {name}{end}", size=11, align=LEFT)
    for line in signer_lines(report.signer, report.agency_name):
        para(right, line, bold=True)
    for _ in range(4):  # room for the signature and the seal
        para(right)
    if report.signer is not None:
        para(right, report.signer.name, bold=True)
    for cell in (left, right):
        for paragraph in cell.paragraphs:
            keep(paragraph)


def _end(doc: Document) -> None:
    """A document ends with a paragraph. python-docx writes none after the closing
    table; Word then adds one in the Normal style (14 pt, 6 pt after), which can fall
    alone on a blank last page. This one is 1 pt high."""
    fmt = doc.add_paragraph().paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(1)


def write_docx(report: AnnualReport, path_or_stream: str | Path | IO[bytes]) -> None:
    doc = docx.Document()
    setup(doc)
    _header(doc, report)
    _title(doc, report)
    _body(doc, report)
    _closing(doc, report)
    _end(doc)
    doc.save(path_or_stream if not isinstance(path_or_stream, Path) else str(path_or_stream))
