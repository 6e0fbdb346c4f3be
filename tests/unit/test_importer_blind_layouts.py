"""Blind test, continued: tables, Windows line endings, tabs, bullets, abbreviations.

As in test_importer_blind_letters, the expectations were written before the run.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from services.directives.domain.directory import UnitDirectory
from services.directives.domain.errors import NotADirective
from services.directives.domain.importer import import_letter
from shared.contracts.values import DocType

from .test_importer_blind_letters import (
    DIVISIONS,
    INTERNAL,
    LETTERS,
    SAFETY_NET,
    directory,
    read,
    ref,
    row,
    warned,
)

__all__ = ["directory"]  # the module-scoped fixture, shared
D = dt.date


def test_plan_with_a_pipe_table(directory: UnitDirectory) -> None:
    r = read("blind_02_ke_hoach_bang_pipe.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol) == (DocType.PLAN, "142", "KH-SXD")
    a = c.assignments
    all_but_vp = [code for code in INTERNAL if code != "VP"]
    assert [row(x) for x in a[:6]] == [
        ("QLHDXD", ["VP", "TTr"], ("date", D(2021, 9, 30))),
        ("VP", all_but_vp, ("ongoing",)),
        ("TTr", ["KHTC"], ("date", D(2021, 9, 30))),
        ("VP", DIVISIONS, ("monthly", 10)),
        ("Phòng Tổ chức cán bộ", ["VP"], ("date", D(2021, 12, 15))),
        # Its time cell is blank: read as merged with the row above, and flagged (blind
        # writers read blank time cells both ways; the clerk clears a wrong guess).
        ("VP", [], ("date", D(2021, 12, 15))),
    ]
    assert a[0].action == "Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực hoạt động xây dựng"
    assert a[5].action == "Triển khai phần mềm quản lý văn bản và điều hành"
    # "Các phòng, đơn vị … căn cứ chức năng, nhiệm vụ được giao triển khai thực hiện Kế hoạch
    # này; định kỳ báo cáo … trước ngày 10 hằng tháng": carrying out the plan itself is no
    # duty of its own (corpus README, closing lines); the monthly report is.
    rest = a[6:]
    assert [x.lead_unit.code for x in rest] == INTERNAL
    assert [row(x)[2] for x in rest] == [("monthly", 10)] * 10
    assert warned(r) == [
        ("unknown_unit", "assignments[4].lead_unit"),
        ("merged_cell", "assignments[5].deadline"),
    ]
    entries = [(e.code, e.purpose) for e in c.distribution]
    assert ("GD", "info") in entries


def test_plan_with_a_tab_table_and_windows_line_endings(directory: UnitDirectory) -> None:
    r = read("blind_03_ke_hoach_bang_tab_crlf.txt", directory)
    c = r.content
    assert (c.number, c.symbol, c.date) == ("98", "KH-SXD", D(2021, 8, 12))
    a = c.assignments
    assert [row(x) for x in a] == [
        ("QLHDXD", ["TTKD"], ("date", D(2021, 9, 30))),
        ("KTVLXD", ["TTKD", "TTr"], ("date", D(2021, 10, 31))),
        ("VP", DIVISIONS, ("none",)),
        ("TTr", ["QLHDXD"], ("none",)),
        ("VP", [], ("none",)),
    ]
    assert a[0].action == "Kiểm tra chất lượng các công trình sử dụng vốn ngân sách"
    assert a[4].action == "Theo dõi, đôn đốc việc thực hiện Kế hoạch này"
    assert warned(r) == [
        ("vague_unit", "assignments[2].coordinating_units[0]"),
        ("unparsed_deadline", "assignments[2].deadline"),
        ("unparsed_deadline", "assignments[3].deadline"),
    ]


def test_tabs_bullets_lowercase_and_abbreviations(directory: UnitDirectory) -> None:
    r = read("blind_09_tabs_bullets_crlf.txt", directory)
    c = r.content
    assert [u.code for u in c.recipients] == ["VP", "TTr", "KHTC", "QLHDXD"]
    a = c.assignments
    assert [row(x) for x in a] == [
        ("VP", ["KHTC", "CDCQ"], ("date", D(2021, 12, 15))),
        ("VP", [], ("date", D(2021, 12, 10))),
        ("TTr", [], ("date", D(2021, 12, 5))),
        ("TTr", [], ("none",)),
        ("QLHDXD", [], ("date", D(2021, 12, 3))),
        ("KHTC", [], ("date", D(2021, 12, 3))),
        ("Các phòng chuyên môn còn lại", [], ("date", D(2021, 12, 31))),
    ]
    assert a[0].action == "Chuẩn bị nội dung, chương trình, địa điểm tổ chức Hội nghị"
    assert a[1].action == "Dự thảo Báo cáo tổng kết công tác năm 2021, trình Giám đốc Sở"
    assert a[2].action == "Tổng hợp kết quả công tác thanh tra, kiểm tra năm 2021, gửi Văn phòng Sở"
    assert a[4].action == "Tổng hợp số liệu thuộc lĩnh vực phụ trách, gửi Văn phòng Sở"
    assert a[6].action == "Gửi báo cáo kết quả thực hiện nhiệm vụ năm 2021 về Văn phòng Sở"
    # "còn lại" (the remaining ones) depends on the rest of the letter: the clerk picks.
    assert warned(r) == [("no_lead_unit", "assignments[6].lead_unit")]
    assert c.signer is not None
    assert (c.signer.authority, c.signer.name) == ("TL.", "Nguyễn Thị Hương")


def test_notice_with_units_outside_the_directory(directory: UnitDirectory) -> None:
    r = read("blind_10_thong_bao_phan_cong.txt", directory)
    c = r.content
    assert (c.doc_type, c.issuer) == (DocType.NOTICE, "Sở Xây dựng")
    a = c.assignments
    assert [row(x) for x in a] == [
        ("Phòng Tổ chức - Pháp chế", [], ("date", D(2021, 10, 15))),
        ("QLHDXD", [], ("none",)),
        ("Công an tỉnh", [], ("none",)),
        ("Các đơn vị liên quan", [], ("none",)),
        ("Bộ phận Tổng hợp", [], ("none",)),
    ]
    assert a[0].action == "Xây dựng đề cương kiểm tra"
    assert a[1].action.startswith("Cử 02 công chức tham gia Đoàn")
    assert a[2].action == "Cử cán bộ phối hợp bảo đảm an ninh, trật tự trong quá trình kiểm tra"
    # An outside body in "Nơi nhận" ("Công an tỉnh (ph/h)") is kept as written without a
    # warning: the importer's convention, as for "Sở Tài chính" in cong_van_125.
    assert warned(r) == [
        ("unknown_unit", "assignments[0].lead_unit"),
        ("unknown_unit", "assignments[2].lead_unit"),
        ("no_lead_unit", "assignments[3].lead_unit"),
        ("unknown_unit", "assignments[4].lead_unit"),
        ("unparsed_deadline", "assignments[4].deadline"),
    ]


def test_reporting_regime_deadline_variants(directory: UnitDirectory) -> None:
    r = read("blind_11_che_do_bao_cao.txt", directory)
    a = r.content.assignments
    assert [row(x) for x in a[:7]] == [
        ("KHTC", [], ("monthly", 10)),
        ("TTr", [], ("quarterly", 15)),
        ("VP", [], ("yearly", 10, 6)),
        ("VP", [], ("yearly", 10, 12)),
        ("QLHDXD", [], ("date", D(2022, 1, 5))),
        # "kể từ ngày nhận được văn bản yêu cầu": a later request, not this letter.
        ("QLN", [], ("none",)),
        ("TTKD", [], ("date", D(2022, 3, 31))),
    ]
    assert a[0].action == "Báo cáo tình hình thực hiện kế hoạch vốn đầu tư công"
    assert a[2].action == a[3].action == "Báo cáo công tác cải cách hành chính"
    assert a[4].deadline.time == dt.time(17, 0)
    assert [x.lead_unit.code for x in a[7:17]] == INTERNAL
    assert {row(x)[2] for x in a[7:17]} == {("date", D(2022, 12, 5))}
    assert [x.lead_unit.code for x in a[17:]] == INTERNAL
    assert {row(x)[2] for x in a[17:]} == {("none",)}
    assert warned(r) == [("unparsed_deadline", "assignments[5].deadline")]


def test_plan_with_leads_in_brackets(directory: UnitDirectory) -> None:
    r = read("blind_12_ke_hoach_ngoac_chu_tri.txt", directory)
    a = r.content.assignments
    assert [row(x) for x in a] == [
        ("QLHDXD", ["VP"], ("date", D(2021, 9, 30))),
        ("QLN", [], ("date", D(2021, 9, 30))),
        ("VP", [], ("ongoing",)),
        ("VP", [], ("date", D(2021, 11, 30))),
        ("CDCQ", [], ("date", D(2021, 11, 30))),
        ("KHTC", [], ("none",)),
        # "là đầu mối theo dõi ...; tổng hợp, báo cáo ... trước ngày 05/12/2021": the one
        # deadline covers the whole item (one duty, corpus README).
        ("VP", [], ("date", D(2021, 12, 5))),
    ]
    assert a[0].action == (
        "Tổ chức tập huấn Luật sửa đổi, bổ sung một số điều của Luật Xây dựng cho cán bộ, công chức"
    )
    assert a[3].action == "Tổ chức Ngày Pháp luật Việt Nam 09/11 tại cơ quan"
    assert a[5].action == "Hướng dẫn thanh quyết toán theo quy định"
    assert a[6].action.endswith("tổng hợp kết quả, báo cáo Giám đốc Sở")
    assert warned(r) == []
    assert ref(a[0].lead_unit) == "QLHDXD"


def _mutants() -> list[str]:
    """The blind letters broken the ways their layouts invite: cells and bars lost or
    doubled, annex headings and page numbers in odd places, hyphens at line ends."""
    rng = random.Random(20210906)
    out: list[str] = []
    for path in sorted(LETTERS.glob("blind_*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for _ in range(6):
            mutated = list(lines)
            for _ in range(8):
                i = rng.randrange(len(mutated))
                mutated.insert(i, rng.choice(JUNK_LINES))
                j = rng.randrange(len(mutated))
                line = mutated[j]
                broken = [line.replace(" ", "|"), line + "-", line.replace(" ", "\t"), line[::-1]]
                mutated[j] = rng.choice([*broken, ""])
            out.append(rng.choice(["\n", "\r\n", "\r"]).join(mutated))
        out += [text.replace("\n", " "), text.replace("|", "\t"), text.replace(" ", "\t")]
    return out


JUNK_LINES = [
    "PHỤ LỤC", "STT | Nội dung | Đơn vị chủ trì", "| | | |", "\t\t\t", "2", "- 3 -", "(Kèm theo",
    "Nơi nhận:", "KT. GIÁM ĐỐC", "do Văn phòng Sở chủ trì", "(Phòng QLHĐXD chủ trì", "Giao:",
    "định kỳ 6 tháng (trước ngày 31/6) và năm (trước ngày 40/13)", "UBND các huyện, thị xã,",
]  # fmt: skip


def test_mutated_blind_letters_raise_nothing_but_not_a_directive(
    directory: UnitDirectory,
) -> None:
    for text in _mutants():
        try:
            import_letter(text, directory)
        except NotADirective:
            continue


@pytest.mark.parametrize(
    ("phrase", "expected", "warning"),
    [
        ("định kỳ 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12)",
         [("yearly", 10, 6), ("yearly", 10, 12)], None),
        ("báo cáo 6 tháng trước ngày 15/6, năm trước ngày 15/12",
         [("yearly", 15, 6), ("yearly", 15, 12)], None),
        # Receipt of the letter: its signing date (Decree 30, art. 16), flagged.
        ("chậm nhất 05 ngày làm việc kể từ ngày nhận được văn bản", [("date", D(2021, 3, 9))],
         "relative_deadline"),
        ("trong 05 ngày làm việc kể từ ngày nhận đủ hồ sơ", [("none",)], "unparsed_deadline"),
        ("trong 05 ngày kể từ ngày nhận được văn bản yêu cầu", [("none",)], "unparsed_deadline"),
        ("trong vòng 03 ngày sau khi kết thúc", [("none",)], "unparsed_deadline"),
        ("bảo đảm đúng thời hạn", [("none",)], None),
        ("hoàn thành trong quý III/2021", [("date", D(2021, 9, 30))], None),
    ],
)  # fmt: skip
def test_deadline_phrases_of_the_blind_letters(
    directory: UnitDirectory, phrase: str, expected: list[tuple[object, ...]], warning: str | None
) -> None:
    head = "Số: 01/SXD-VP\nThanh Hóa, ngày 02 tháng 3 năm 2021\nV/v thử\n\n"
    text = f"{head}- Giao Văn phòng Sở kiểm tra, {phrase}."
    r = import_letter(text, directory)
    assert [row(a)[2] for a in r.content.assignments] == expected
    quiet = {"no_signer", *SAFETY_NET}
    assert [w.code for w in r.warnings if w.code not in quiet] == ([warning] if warning else [])
