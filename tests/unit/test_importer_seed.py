"""The seed letter (April 2020 notice of Sở Xây dựng Thanh Hóa) read as a clerk checks it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.domain.importer import ImportResult, import_letter
from shared.contracts.values import DeadlineKind, DocType, Urgency

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "tests/fixtures/letters/seed_sxd_2020.txt").read_text(encoding="utf-8")
DIVISIONS = ["KHTC", "QLHDXD", "KTVLXD", "QLN", "QHKT", "HTKT"]
AFFILIATED = ["TTKD", "VQHKT"]


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return load_directory(ROOT / "services/directives/directories/sxd-thanhhoa.yaml")


@pytest.fixture(scope="module")
def result(directory: UnitDirectory) -> ImportResult:
    return import_letter(SEED, directory)


def test_header(result: ImportResult) -> None:
    c = result.content
    assert c.doc_type is DocType.NOTICE
    assert c.number is None
    assert c.symbol == "TB-SXD"
    assert c.issuer == "Sở Xây dựng"
    assert c.place == "Thanh Hóa"
    assert c.date is None
    assert c.urgency is Urgency.NORMAL
    assert c.subject == "Triển khai thực hiện Kế hoạch thực hiện Đề án văn hóa công vụ"


def test_warnings_are_exactly_the_quirks_of_the_seed(result: ImportResult) -> None:
    by_code = {w.code: w for w in result.warnings if w.code != "no_deadline"}
    assert sorted(by_code) == ["blank_date", "blank_number", "subject_line_on_non_letter"]
    # Every duty without a deadline says so (the seed dates only its yearly report).
    undated = [w.field for w in result.warnings if w.code == "no_deadline"]
    assert undated == [f"assignments[{i}].deadline" for i in range(10)]
    assert by_code["blank_number"].field == "number"
    assert by_code["blank_date"].field == "date"
    assert "tháng 4/2020" in by_code["blank_date"].message
    assert by_code["subject_line_on_non_letter"].field == "subject"


def test_recipients_expand_to_divisions_and_affiliated_units(result: ImportResult) -> None:
    assert [r.code for r in result.content.recipients] == DIVISIONS + AFFILIATED


def test_references_are_deduplicated(result: ImportResult) -> None:
    refs = result.content.references
    assert [(r.doc_type, r.number, r.symbol, r.issuer) for r in refs] == [
        ("Kế hoạch", "84", "KH-UBND", "UBND tỉnh"),
        ("Quyết định", "1847", "QĐ-TTg", "Thủ tướng Chính phủ"),
    ]
    assert [r.date.isoformat() if r.date else None for r in refs] == ["2020-04-06", "2018-12-27"]


def test_signer(result: ImportResult) -> None:
    signer = result.content.signer
    assert signer is not None
    assert (signer.authority, signer.title, signer.name) == (None, "Giám đốc", "Đào Vũ Việt")


def test_distribution(result: ImportResult) -> None:
    entries = [(e.name, e.code, e.purpose) for e in result.content.distribution]
    assert entries == [
        ("Như trên", None, "execute"),
        ("Công đoàn cơ quan", "CDCQ", "coordinate"),
        ("Ban Giám đốc", "GD", "report"),
        ("Văn phòng Sở", "VP", "file"),
        ("VT", None, "file"),
    ]


def test_dissemination_goes_to_every_division_and_affiliated_unit(result: ImportResult) -> None:
    first = result.content.assignments[:8]
    assert [a.lead_unit.code for a in first] == DIVISIONS + AFFILIATED
    for a in first:
        assert a.action.startswith("Quán triệt, tuyên truyền, phổ biến Kế hoạch số 84/KH-UBND")
        assert a.coordinating_units == ()
        assert a.deadline.kind is DeadlineKind.NONE
        assert not a.action.endswith((";", ".", "/"))


def test_office_duties(result: ImportResult) -> None:
    review, inspect, report = result.content.assignments[8:]
    assert len(result.content.assignments) == 11

    assert review.lead_unit.code == "VP"
    assert [u.code for u in review.coordinating_units] == ["CDCQ", "DTN", "CCB", *DIVISIONS]
    assert review.action.startswith("Rà soát, nghiên cứu, bổ sung các quy định")
    assert review.deadline.kind is DeadlineKind.NONE

    assert inspect.lead_unit.code == "VP"
    assert [u.code for u in inspect.coordinating_units] == ["CDCQ", "TTr"]
    assert inspect.action == (
        "Kiểm tra, giám sát việc thực hiện các nội dung có liên quan đến văn hóa công vụ "
        "tại Sở Xây dựng"
    )
    assert inspect.deadline.kind is DeadlineKind.NONE

    assert report.lead_unit.code == "VP"
    assert report.coordinating_units == ()
    assert report.action.startswith("Tổng hợp, báo cáo kết quả thực hiện Quyết định số 1847/QĐ-TTg")
    assert report.deadline.kind is DeadlineKind.YEARLY
    assert (report.deadline.day, report.deadline.month) == (15, 12)
    assert report.deadline.text == "trước ngày 15/12 hằng năm"


def test_unit_names_are_the_directory_names(result: ImportResult) -> None:
    review = result.content.assignments[8]
    assert review.lead_unit.name == "Văn phòng Sở"
    assert review.coordinating_units[0].name == "Công đoàn cơ quan"


def test_fast(directory: UnitDirectory) -> None:
    import_letter(SEED, directory)
    start = time.perf_counter()
    for _ in range(10):
        import_letter(SEED, directory)
    assert (time.perf_counter() - start) / 10 < 0.05
