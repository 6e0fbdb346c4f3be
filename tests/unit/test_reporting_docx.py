"""The printed report: Decree 30 layout, the figures in its tables, Times New Roman."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from services.reporting.adapters.docx.report import decree30_date, signer_lines, write_docx
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.model import AnnualReport, SignerOut
from tests.unit.test_reporting_fixtures import AGENCY_INFO, at, year_2020

FONT = "Times New Roman"


@pytest.fixture(scope="module")
def report() -> AnnualReport:
    return build_annual_report(AGENCY_INFO, 2020, year_2020().facts, None, at(2020, 12, 15, 8))


@pytest.fixture(scope="module")
def document(report: AnnualReport, tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("docx") / "bao-cao-2020.docx"
    write_docx(report, path)
    return docx.Document(str(path))


def paragraphs(doc: Document) -> Iterator[Paragraph]:
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def texts(doc: Document) -> list[str]:
    return [p.text for p in paragraphs(doc)]


def rows(table: Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def find_table(doc: Document, header: str) -> Table:
    return next(t for t in doc.tables if header in rows(t)[0])


def test_header_block_national_name_motto_number_and_date(document: Document) -> None:
    header = document.tables[0]
    left, right = (c.paragraphs for c in header.rows[0].cells)
    assert [p.text for p in left if p.text] == [
        "UBND TỈNH THANH HÓA",
        "SỞ XÂY DỰNG",
        "Số:      /BC-SXD",
    ]
    assert [p.text for p in right if p.text] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Thanh Hóa, ngày 15 tháng 12 năm 2020",
    ]
    bold = {p.text for p in (*left, *right) if p.runs and p.runs[0].bold}
    assert bold == {
        "SỞ XÂY DỰNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    }
    assert right[-1].runs[0].italic
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_title_and_summary(document: Document) -> None:
    body = [p.text for p in document.paragraphs]
    i = body.index("BÁO CÁO")
    assert body[i + 1] == "Kết quả thực hiện Đề án Văn hóa công vụ năm 2020"
    assert document.paragraphs[i].runs[0].bold


def test_narrative_sections_in_order(document: Document) -> None:
    body = [p.text for p in document.paragraphs]
    titles = [
        "I. Đánh giá chung",
        "II. Kết quả thực hiện",
        "III. Tồn tại, hạn chế",
        "IV. Phương hướng, nhiệm vụ năm 2021",
        "V. Đề xuất, kiến nghị",
    ]
    assert [body.index(t) for t in titles] == sorted(body.index(t) for t in titles)


def test_task_table_has_the_four_categories_with_their_figures(document: Document) -> None:
    table = rows(find_table(document, "Số nhiệm vụ"))
    assert table[1:5] == [
        ["1", "Hoàn thành đúng hạn", "2", "22,2"],
        ["2", "Hoàn thành quá hạn", "1", "11,1"],
        ["3", "Chưa hoàn thành, còn trong hạn", "3", "33,3"],
        ["4", "Chưa hoàn thành, quá hạn", "3", "33,3"],
    ]
    assert table[5][1:3] == ["Tổng số", "9"]
    assert table[6][2] == "1"  # cancelled


def row_props(table: Table) -> list[tuple[bool, bool]]:
    """(w:tblHeader, w:cantSplit) of each row."""
    return [
        (row._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None,
         row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None)
        for row in table.rows
    ]  # fmt: skip


def test_unit_table_has_a_grouped_two_row_header(document: Document) -> None:
    unit_table = find_table(document, "Phòng, đơn vị")
    table = rows(unit_table)
    # A merged cell is the same cell under every grid column (and row) it spans.
    assert table[0] == [
        "TT", "Phòng, đơn vị", "Tổng số nhiệm vụ",
        "Đã hoàn thành", "Đã hoàn thành", "Chưa hoàn thành", "Chưa hoàn thành",
        "Đã quán triệt", "Số người được phổ biến", "Được kiểm tra", "Số vi phạm",
        "Đã khắc phục",
    ]  # fmt: skip
    assert table[1][3:7] == ["Đúng hạn", "Quá hạn", "Trong hạn", "Quá hạn"]
    assert table[1][:3] == table[0][:3] and table[1][7:] == table[0][7:]
    top, sub = unit_table.rows[0].cells, unit_table.rows[1].cells
    assert top[3]._tc is top[4]._tc  # "Đã hoàn thành" spans two
    assert top[0]._tc is sub[0]._tc  # "TT" spans both rows
    # Both header rows repeat on every page; no row breaks across two pages.
    flags = row_props(unit_table)
    assert flags[:2] == [(True, True), (True, True)]
    assert set(flags[2:]) == {(False, True)}


def test_unit_table_rows(document: Document) -> None:
    table = rows(find_table(document, "Phòng, đơn vị"))
    by_name = {r[1]: r for r in table[2:]}
    assert by_name["Văn phòng Sở"][2:] == ["5", "2", "0", "3", "0", "Có", "14", "Có", "1", "1"]
    assert by_name["Phòng Quản lý hoạt động xây dựng"][7] == "Chưa"
    assert "Ban Giám đốc" not in by_name and "Sở Nội vụ" not in by_name


def test_inspection_and_dissemination_tables(document: Document) -> None:
    inspection = {r[1]: r[2] for r in rows(find_table(document, "Số lượng"))}
    assert inspection["Số trường hợp vi phạm"] == "2"
    assert inspection["- Chuẩn mực giao tiếp, ứng xử"] == "1"
    assert inspection["- Trang phục"] == "1"
    assert inspection["- Mức độ nghiêm trọng"] == "0"
    assert inspection["Số vi phạm đã khắc phục"] == "1"
    spread = {r[1]: r[2] for r in rows(find_table(document, "Kết quả"))}
    assert spread["Phòng, đơn vị chưa xác nhận"] == "Phòng Quản lý hoạt động xây dựng"
    assert spread["Số người đã được quán triệt, phổ biến"] == "22"
    assert spread["Tỷ lệ người được quán triệt, phổ biến (%)"] == "68,8"


def test_recipients_and_signer_block(document: Document) -> None:
    closing = document.tables[-1]
    left, right = (c.paragraphs for c in closing.rows[0].cells)
    assert [p.text for p in left] == [
        "Nơi nhận:",
        "- Sở Nội vụ (b/c);",
        "- UBND tỉnh (b/c);",
        "- Lưu: VT, VP.",
    ]
    assert left[0].runs[0].bold and left[0].runs[0].italic
    assert left[1].runs[0].font.size is not None and left[1].runs[0].font.size.pt == 11
    signed = [p for p in right if p.text]
    assert [p.text for p in signed] == ["GIÁM ĐỐC", "Đào Vũ Việt"]
    assert all(p.runs[0].bold for p in signed)
    assert right[1:-1] and not any(p.text for p in right[1:-1])  # room to sign and seal


def test_closing_block_is_kept_together_and_with_the_end_of_the_text(
    document: Document,
) -> None:
    closing = document.tables[-1]
    assert row_props(closing) == [(False, True)]  # one row, never split
    kept = [p for cell in closing.rows[0].cells for p in cell.paragraphs]
    assert all(p.paragraph_format.keep_with_next for p in kept)
    assert all(p.paragraph_format.keep_together for p in kept)
    body = [p for p in document.paragraphs if p.text]
    last = body.index(next(p for p in body if p.text == "V. Đề xuất, kiến nghị"))
    # The section title and its (only, two-line) paragraph go with the closing block.
    assert [p.paragraph_format.keep_with_next for p in body[last - 1 : last + 2]] == [
        None,
        True,
        True,
    ]
    assert document.styles["Normal"].paragraph_format.widow_control


def test_a4_and_decree_30_margins(document: Document) -> None:
    s = document.sections[0]
    assert s.page_width is not None and s.page_height is not None
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    top, bottom, left, right = (round(m.mm, 1) if m is not None else 0 for m in margins)
    assert 20 <= top <= 25 and 20 <= bottom <= 25
    assert 30 <= left <= 35 and 15 <= right <= 20


def test_every_run_and_style_is_times_new_roman(document: Document) -> None:
    runs = [r for p in paragraphs(document) for r in p.runs]
    assert runs
    assert {r.font.name for r in runs} == {FONT}
    for style in document.styles:
        font = getattr(style, "font", None)
        if font is not None:
            assert font.name == FONT, style.name
    for part in (document.styles.element, document.element):
        for rfonts in part.iter(qn("w:rFonts")):
            assert rfonts.get(qn("w:eastAsia")) == FONT
            assert rfonts.get(qn("w:asciiTheme")) is None  # a theme font would win


def test_writes_to_a_stream_too(report: AnnualReport) -> None:
    stream = io.BytesIO()
    write_docx(report, stream)
    stream.seek(0)
    assert "BÁO CÁO" in texts(docx.Document(stream))


def test_writes_to_a_path_object(report: AnnualReport, tmp_path: Path) -> None:
    write_docx(report, tmp_path / "r.docx")
    assert (tmp_path / "r.docx").stat().st_size > 0


def test_decree_30_pads_days_below_10_and_january_february_only(report: AnnualReport) -> None:
    jan = report.model_copy(update={"generated_at": at(2021, 1, 5)})
    mar = report.model_copy(update={"generated_at": at(2021, 3, 3)})
    assert decree30_date("Thanh Hóa", jan) == "Thanh Hóa, ngày 05 tháng 01 năm 2021"
    assert decree30_date("Thanh Hóa", mar) == "Thanh Hóa, ngày 03 tháng 3 năm 2021"


def test_signer_lines_for_a_deputy_signing_for_the_director() -> None:
    deputy = SignerOut(authority="KT.", title="Phó Giám đốc", name="Nguyễn Văn A")
    assert signer_lines(deputy, "Sở Xây dựng") == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    head = SignerOut(authority=None, title="Giám đốc", name="Đào Vũ Việt")
    assert signer_lines(head, "Sở Xây dựng") == ["GIÁM ĐỐC"]
    assert signer_lines(None, "Sở Xây dựng") == []
