"""Blind test: letters in layouts the importer was not written against.

Each expectation was written down, as a careful clerk would read the letter, before the
importer was run on it. A row is (lead, coordinators, deadline); a unit the directory
knows is its code, any other its name as written; a deadline is ("date", date),
("monthly", day), ("quarterly", day), ("yearly", day, month), ("ongoing",) or ("none",).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.domain.importer import ImportResult, import_letter
from shared.contracts.values import Assignment, Deadline, DocType

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "tests/fixtures/letters"
DIVISIONS = ["KHTC", "QLHDXD", "KTVLXD", "QLN", "QHKT", "HTKT"]
AFFILIATED = ["TTKD", "VQHKT"]
INTERNAL = ["VP", "TTr", *DIVISIONS, *AFFILIATED]
D = dt.date


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return load_directory(ROOT / "services/directives/directories/sxd-thanhhoa.yaml")


def read(name: str, directory: UnitDirectory) -> ImportResult:
    return import_letter((LETTERS / name).read_text(encoding="utf-8"), directory)


def ref(u: object) -> str:
    code, name = getattr(u, "code", None), getattr(u, "name", "")
    return str(code or name)


def when(d: Deadline) -> tuple[object, ...]:
    kind = d.kind.value
    if kind == "date":
        return (kind, d.date)
    if kind in ("monthly", "quarterly"):
        return (kind, d.day)
    if kind == "yearly":
        return (kind, d.day, d.month)
    return (kind,)


def row(a: Assignment) -> tuple[str, list[str], tuple[object, ...]]:
    return ref(a.lead_unit), [ref(u) for u in a.coordinating_units], when(a.deadline)


# The last pass flags every duty left without a deadline ("no_deadline", see
# importer.empty_fields and test_importer_empty_fields); these tests check what the
# readers themselves warn about.
SAFETY_NET = frozenset({"no_deadline"})


def warned(r: ImportResult) -> list[tuple[str, str]]:
    return [(w.code, w.field) for w in r.warnings if w.code not in SAFETY_NET]


def test_provincial_letter_to_several_departments(directory: UnitDirectory) -> None:
    r = read("blind_01_ubnd_gui_cac_so.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol, c.issuer, c.date) == (
        DocType.OFFICIAL_LETTER, "11250", "UBND-CN", "UBND tỉnh", D(2021, 8, 18)
    )  # fmt: skip
    districts = "UBND các huyện, thị xã, thành phố"
    assert [ref(u) for u in c.recipients] == [
        "Sở Xây dựng", "SNV", "Sở Tài chính", "Sở Tài nguyên và Môi trường", districts
    ]  # fmt: skip
    a = c.assignments
    assert [row(x) for x in a[:7]] == [
        ("Sở Xây dựng", ["Sở Tài nguyên và Môi trường", districts], ("date", D(2021, 9, 30))),
        ("Sở Xây dựng", [], ("date", D(2021, 10, 15))),
        ("SNV", ["Sở Xây dựng"], ("date", D(2021, 11, 30))),
        ("Sở Tài chính", [], ("none",)),
        (districts, [], ("none",)),
        (districts, [], ("yearly", 10, 6)),
        (districts, [], ("yearly", 10, 12)),
    ]
    assert a[0].action == "Tổ chức kiểm tra công tác quản lý trật tự xây dựng"
    assert a[1].action == "Tổng hợp, báo cáo Chủ tịch UBND tỉnh"
    assert a[4].action == "Tăng cường kiểm tra, xử lý dứt điểm các công trình vi phạm"
    assert a[5].action == a[6].action == "Báo cáo kết quả về Sở Xây dựng để tổng hợp"
    # "Yêu cầu Giám đốc các sở, Chủ tịch UBND các huyện ...": never the Department's own
    # Director nor the provincial committee by a partial match.
    assert all(x.lead_unit.code not in ("GD", "UBND") for x in a)
    for i, x in enumerate(a[7:], start=7):
        assert x.lead_unit.code is None
        assert ("no_lead_unit", f"assignments[{i}].lead_unit") in warned(r)
    assert ("unknown_unit", "assignments[4].lead_unit") in warned(r)
    assert "year_assumed" not in [w.code for w in r.warnings]


def test_director_orders_unit_heads_by_title(directory: UnitDirectory) -> None:
    r = read("blind_04_chi_thi_giam_doc_yeu_cau.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol) == (DocType.DIRECTIVE, "02", "CT-SXD")
    a = c.assignments
    assert [row(x) for x in a[:9]] == [
        ("VP", ["TTr"], ("monthly", 10)),
        ("VP", [], ("date", D(2021, 9, 30))),
        ("TTr", [], ("none",)),
        ("KHTC", [], ("date", D(2021, 9, 30))),
        ("TTKD", [], ("date", D(2021, 9, 13))),
        ("QLHDXD", [], ("yearly", 10, 6)),
        ("QLHDXD", [], ("yearly", 10, 12)),
        ("HTKT", [], ("yearly", 10, 6)),
        ("HTKT", [], ("yearly", 10, 12)),
    ]
    assert a[0].action.startswith("Kiểm tra đột xuất việc chấp hành thời giờ làm việc")
    assert a[1].action == "Rà soát, sửa đổi Nội quy cơ quan, trình Giám đốc Sở ban hành"
    assert a[2].action.startswith("Tiếp nhận, xử lý phản ánh, kiến nghị")
    assert a[3].action == (
        "Rà soát các khoản chi hành chính, đề xuất cắt giảm các khoản chi không cần thiết"
    )
    assert a[4].action.startswith("Chấn chỉnh việc tiếp nhận và trả kết quả kiểm định")
    # "chậm nhất 05 ngày làm việc kể từ ngày nhận được văn bản": counted from the signing
    # date (a letter goes out the day it is signed, Decree 30 art. 16), and flagged.
    assert ("relative_deadline", "assignments[4].deadline") in warned(r)
    # "quán triệt ...; thường xuyên kiểm tra ...": one duty per unit.
    heads = a[9:19]
    assert [x.lead_unit.code for x in heads] == INTERNAL
    assert [row(x)[2] for x in heads] == [("ongoing",)] * 10
    # "... yêu cầu Trưởng các phòng, đơn vị thuộc Sở nghiêm túc thực hiện Chỉ thị này": the
    # closing line asks for the letter itself, no duty of its own.
    assert len(a) == 19
    assert [w for w in r.warnings if w.code not in {"relative_deadline", *SAFETY_NET}] == []


def test_meeting_conclusions(directory: UnitDirectory) -> None:
    r = read("blind_05_thong_bao_ket_luan.txt", directory)
    a = r.content.assignments
    assert r.content.doc_type is DocType.NOTICE
    # The narrative ("Giám đốc Sở Xây dựng chủ trì cuộc họp ...") assigns nothing.
    assert [row(x) for x in a[:5]] == [
        ("QLN", ["QHKT"], ("date", D(2021, 9, 30))),
        ("QLHDXD", ["VP"], ("date", D(2021, 9, 30))),
        ("TTr", ["QLHDXD"], ("none",)),
        ("KHTC", [], ("date", D(2021, 9, 25))),
        ("KHTC", [], ("none",)),
    ]
    assert a[0].action == "Tham mưu báo cáo tình hình phát triển nhà ở xã hội trên địa bàn tỉnh"
    assert a[1].action == (
        "Rà soát toàn bộ hồ sơ cấp phép xây dựng đang giải quyết, không để phát sinh hồ sơ trễ hạn"
    )
    assert a[2].action == (
        "Kiểm tra, xử lý các công trình xây dựng không phép trên địa bàn thành phố Thanh Hóa"
    )
    assert a[4].action == (
        "Đối với đề xuất của Trung tâm Kiểm định chất lượng xây dựng về việc đầu tư thiết bị "
        "thí nghiệm: nghiên cứu, tham mưu, báo cáo Giám đốc Sở"
    )
    # "Các phòng chuyên môn có liên quan": read as every division, and flagged.
    assert [x.lead_unit.code for x in a[5:]] == DIVISIONS
    assert warned(r) == [("vague_unit", f"assignments[{i}].lead_unit") for i in range(5, 11)]


def test_decision_with_annex_after_the_signature(directory: UnitDirectory) -> None:
    r = read("blind_06_quyet_dinh_phu_luc.txt", directory)
    c = r.content
    assert (c.doc_type, c.number, c.symbol) == (DocType.DECISION, "145", "QĐ-SXD")
    assert c.signer is not None and c.signer.name == "Đào Vũ Việt"
    a = c.assignments
    assert [row(x) for x in a[:2]] == [("VP", [], ("none",)), ("VP", [], ("monthly", 25))]
    assert a[0].action == "Theo dõi, đôn đốc các phòng, đơn vị thực hiện các nhiệm vụ tại Phụ lục"
    assert a[1].action == "Tổng hợp, báo cáo Giám đốc Sở"
    # "Điều 3. … chịu trách nhiệm thi hành Quyết định này" asks for the decision itself to
    # be carried out: no duty of its own (corpus README, closing lines).
    assert [row(x) for x in a[2:]] == [
        ("QHKT", ["VQHKT"], ("date", D(2021, 10, 31))),
        ("QLN", ["KHTC", "HTKT"], ("date", D(2021, 12, 31))),
        ("TTr", ["QLHDXD", "TTKD"], ("ongoing",)),
    ]
    assert a[2].action == (
        "Hoàn thiện hồ sơ đề nghị công nhận thị xã Nghi Sơn đạt tiêu chí đô thị loại III"
    )
    assert warned(r) == []


def test_lead_named_after_the_task(directory: UnitDirectory) -> None:
    r = read("blind_07_do_x_chu_tri.txt", directory)
    c = r.content
    assert [u.code for u in c.recipients] == INTERNAL
    a = c.assignments
    others = [code for code in INTERNAL if code != "VP"]
    assert [row(x) for x in a[:3]] == [
        ("QLHDXD", ["TTKD"], ("date", D(2021, 7, 30))),
        ("VP", [], ("date", D(2021, 12, 31))),
        ("VP", others, ("ongoing",)),
    ]
    assert a[0].action == (
        "Rà soát, cập nhật cơ sở dữ liệu về hoạt động xây dựng trên Hệ thống thông tin quốc gia"
    )
    assert a[1].action == "Số hóa hồ sơ lưu trữ của cơ quan"
    assert "an toàn thông tin mạng" in a[2].action
    rest = a[3:]
    # "chủ động triển khai ...; báo cáo kết quả ... trước ngày 05/12/2021": one duty each.
    assert [x.lead_unit.code for x in rest] == INTERNAL
    assert [row(x)[2] for x in rest] == [("date", D(2021, 12, 5))] * 10
    assert rest[0].action.startswith("Căn cứ chức năng, nhiệm vụ được giao chủ động triển khai")
    assert warned(r) == []


def test_pdf_text_with_hard_breaks_and_page_numbers(directory: UnitDirectory) -> None:
    r = read("blind_08_pdf_xuong_dong.txt", directory)
    c = r.content
    assert c.subject == (
        "Triển khai thực hiện Nghị định số 64/2021/NĐ-CP ngày 09/7/2021 của Chính phủ "
        "về quản lý cây xanh đô thị"
    )
    a = c.assignments
    assert [row(x) for x in a] == [
        ("HTKT", ["QHKT", "VQHKT"], ("date", D(2021, 8, 20))),
        ("VP", [], ("date", D(2021, 8, 31))),
        ("KHTC", ["HTKT"], ("date", D(2021, 8, 15))),
        ("TTr", [], ("none",)),
    ]
    assert a[0].action == (
        "Tham mưu văn bản hướng dẫn UBND các huyện, thị xã, thành phố thực hiện Nghị định, "
        "trình Giám đốc Sở"
    )
    assert a[1].action == "Đăng tải toàn văn Nghị định trên Cổng thông tin điện tử của Sở"
    assert a[2].action == (
        "Dự trù kinh phí tổ chức hội nghị phổ biến Nghị định, báo cáo Giám đốc Sở"
    )
    assert a[3].action == "Đưa nội dung quản lý cây xanh đô thị vào kế hoạch thanh tra năm 2022"
    assert warned(r) == []
    assert c.signer is not None and c.signer.name == "Lê Văn Thắng"
