"""The unit directory: loading the YAML and matching names as documents write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.directives.domain.directory import UnitDirectory, load_directory
from shared.contracts.values import UnitKind

ROOT = Path(__file__).resolve().parents[2]
DIVISIONS = ["KHTC", "QLHDXD", "KTVLXD", "QLN", "QHKT", "HTKT"]
AFFILIATED = ["TTKD", "VQHKT"]


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    return load_directory(ROOT / "services/directives/directories/sxd-thanhhoa.yaml")


def test_agency(directory: UnitDirectory) -> None:
    assert (directory.code, directory.name, directory.short_name, directory.province) == (
        "sxd-thanhhoa",
        "Sở Xây dựng",
        "SXD",
        "Thanh Hóa",
    )


def test_units_have_ascii_codes_and_kinds(directory: UnitDirectory) -> None:
    codes = [u.code for u in directory.units]
    assert len(codes) == len(set(codes))
    assert all(code.isascii() and code.isalnum() for code in codes)
    assert [u.code for u in directory.of_kind(UnitKind.DIVISION)] == DIVISIONS
    assert [u.code for u in directory.of_kind(UnitKind.AFFILIATED)] == AFFILIATED
    assert [u.code for u in directory.of_kind(UnitKind.MASS_ORGANISATION)] == ["CDCQ", "DTN", "CCB"]
    assert [u.code for u in directory.of_kind(UnitKind.EXTERNAL)] == ["UBND", "SNV"]
    internal = UnitKind.OFFICE, UnitKind.INSPECTORATE, UnitKind.DIVISION, UnitKind.AFFILIATED
    assert all(u.staff for u in directory.of_kind(*internal))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Văn phòng Sở", "VP"),
        ("Văn phòng sở", "VP"),
        ("VP", "VP"),
        ("vp", "VP"),
        ("van phong so", "VP"),
        ("  Văn   phòng  Sở ", "VP"),
        ("Chánh Văn phòng Sở", "VP"),
        ("Văn phòng Sở Xây dựng", "VP"),
        ("Thanh tra Sở", "TTr"),
        ("Chánh Thanh tra Sở", "TTr"),
        ("Công đoàn Cơ quan", "CDCQ"),
        ("Công đoàn cơ quan", "CDCQ"),
        ("CĐCQ", "CDCQ"),
        ("Đoàn Thanh niên", "DTN"),
        ("ĐTN", "DTN"),
        ("Hội Cựu chiến binh", "CCB"),
        ("Phòng Kế hoạch - Tài chính", "KHTC"),
        ("Phòng Kế hoạch – Tài chính", "KHTC"),
        ("Phòng Kế hoạch-Tài chính", "KHTC"),
        ("Trưởng phòng Kế hoạch - Tài chính", "KHTC"),
        ("Phòng QLHĐXD", "QLHDXD"),
        ("Phòng Quản lý hoạt động xây dựng", "QLHDXD"),
        ("Trung tâm Kiểm định chất lượng xây dựng", "TTKD"),
        ("Giám đốc Trung tâm Kiểm định chất lượng xây dựng", "TTKD"),
        ("TTKĐ", "TTKD"),
        ("Viện trưởng Viện Quy hoạch - Kiến trúc", "VQHKT"),
        ("Giám đốc Sở", "GD"),
        ("Giám đốc", "GD"),
        ("các Phó GĐ Sở", "GD"),
        ("UBND tỉnh", "UBND"),
        ("Ủy ban nhân dân tỉnh Thanh Hóa", "UBND"),
        ("Uỷ ban nhân dân tỉnh Thanh Hoá", "UBND"),
        ("Sở Nội vụ", "SNV"),
    ],
)
def test_match(directory: UnitDirectory, written: str, code: str) -> None:
    unit = directory.match(written)
    assert unit is not None, written
    assert unit.code == code


@pytest.mark.parametrize("written", ["", "Sở Tài chính", "Phòng Tổ chức cán bộ", "Xin chào", "—"])
def test_no_match(directory: UnitDirectory, written: str) -> None:
    assert directory.match(written) is None


@pytest.mark.parametrize(
    ("phrase", "codes"),
    [
        ("Trưởng các phòng chuyên môn", DIVISIONS),
        ("các phòng chuyên môn thuộc Sở", DIVISIONS),
        ("Thủ trưởng các đơn vị trực thuộc", AFFILIATED),
        ("đơn vị trực thuộc", AFFILIATED),
        ("các phòng chuyên môn, đơn vị trực thuộc", DIVISIONS + AFFILIATED),
        ("Trưởng các phòng chuyên môn, Thủ trưởng các đơn vị trực thuộc", DIVISIONS + AFFILIATED),
        ("Trưởng các phòng chuyên môn, đơn vị trực thuộc", DIVISIONS + AFFILIATED),
        # Convention: "các phòng, đơn vị" is every internal unit, office and inspectorate too.
        ("các phòng, đơn vị", ["VP", "TTr", *DIVISIONS, *AFFILIATED]),
        ("Các phòng, đơn vị thuộc Sở", ["VP", "TTr", *DIVISIONS, *AFFILIATED]),
        ("các tổ chức đoàn thể", ["CDCQ", "DTN", "CCB"]),
    ],
)
def test_expand_generic(directory: UnitDirectory, phrase: str, codes: list[str]) -> None:
    assert [u.code for u in directory.expand_generic(phrase)] == codes


@pytest.mark.parametrize("phrase", ["Văn phòng Sở", "các phòng chuyên môn và Sở Tài chính", ""])
def test_expand_generic_refuses_specific_names(directory: UnitDirectory, phrase: str) -> None:
    assert directory.expand_generic(phrase) == []


def test_load_directory_validates(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "agency: {code: x, name: X, short_name: X, province: Y}\n"
        "units: [{code: A, name: A, kind: ministry}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError):
        load_directory(bad)


@pytest.mark.parametrize(("written", "code"), [("P.KHTC", "KHTC"), ("P. QLHĐXD", "QLHDXD")])
def test_phong_abbreviated_as_p(directory: UnitDirectory, written: str, code: str) -> None:
    unit = directory.match(written)
    assert unit is not None and unit.code == code
