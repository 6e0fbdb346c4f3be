"""The importer reads a letter with its issuer's directory, never the clerk's."""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.domain.importer.header import read_header
from services.directives.domain.importer.issuer import read_issuer
from services.directives.domain.importer.text import normalise
from services.directives.handlers import Directories
from services.directives.settings import DIRECTORIES

HEADER = """{issuer_lines}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/{symbol}\t{place}, ngày 06 tháng 9 năm 2023
V/v triển khai nhiệm vụ

Kính gửi: Các phòng, đơn vị thuộc Sở.

1. Các phòng, đơn vị thuộc Sở rà soát, báo cáo trong 05 ngày làm việc kể từ ngày ký văn bản này.

Nơi nhận:\tKT. GIÁM ĐỐC
- Như trên;\tPHÓ GIÁM ĐỐC
- Lưu: VT.
\tNguyễn Văn An
"""


@pytest.fixture(scope="module")
def directories() -> Directories:
    return Directories.load(DIRECTORIES, "sxd-thanhhoa")


def test_group_expands_in_the_issuers_directory(directories: Directories) -> None:
    text = HEADER.format(
        issuer_lines="UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", symbol="STC-VP", place="Nghệ An"
    )
    directory, result = directories.read_letter(text, "sxd-thanhhoa")
    c = result.content
    assert directory.code == "stc-nghean"
    assert c.issuer == "Sở Tài chính"
    leads = {a.lead_unit.code for a in c.assignments}
    assert leads == {u.code for u in directory.units if u.kind.value in ("office", "inspectorate")}
    assert not leads & {"QLHDXD", "KHTC"}  # nothing of the clerk's Sở Xây dựng
    # Wednesday 6/9/2023 + 5 working days: 7, 8, Saturday 9/9 (worked in exchange for the
    # 4/9 day off), 11, 12.
    assert {a.deadline.date for a in c.assignments} == {dt.date(2023, 9, 12)}
    assert c.signer is not None and (c.signer.title, c.signer.name) == (
        "Phó Giám đốc",
        "Nguyễn Văn An",
    )
    assert all(s.group and s.written == "Các phòng, đơn vị thuộc Sở" for s in result.sources)


def test_an_issuer_without_a_directory_keeps_its_groups_and_says_so(
    directories: Directories,
) -> None:
    text = HEADER.format(
        issuer_lines="UBND TỈNH HÀ TĨNH\nSỞ Y TẾ", symbol="SYT-VP", place="Hà Tĩnh"
    )
    directory, result = directories.read_letter(text, "sxd-thanhhoa")
    assert directory.code == "" and directory.units == ()
    assert result.content.issuer == "Sở Y tế tỉnh Hà Tĩnh"
    (a,) = result.content.assignments
    assert (a.lead_unit.code, a.lead_unit.name) == (None, "Các phòng, đơn vị thuộc Sở")
    codes = {w.code for w in result.warnings}
    assert {"no_directory", "unknown_unit"} <= codes


def _issuer(directories: Directories, text: str) -> str | None:
    return directories.read_letter(text, "sxd-thanhhoa")[1].content.issuer


def test_a_centrally_run_city_is_a_province(directories: Directories) -> None:
    # "Thành phố" of a city the central government runs stands where a province says
    # "tỉnh": its office is the People's Committee's office, not a district body's.
    office = HEADER.format(
        issuer_lines="ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nVĂN PHÒNG",
        symbol="VP-TH",
        place="Đà Nẵng",
    )
    assert _issuer(directories, office) == "Văn phòng Ủy ban nhân dân thành phố Đà Nẵng"
    head = read_header(normalise("UBND THÀNH PHỐ HÀ NỘI\nSố: 7/UBND-KT\nHà Nội, ngày 2/3/2024"))
    city = read_issuer(head)
    assert city is not None and (city.level, city.province) == ("province", "Hà Nội")
    # A city of a province is a district.
    head = read_header(normalise("UBND THÀNH PHỐ VINH\nSố: 7/UBND-KT\nVinh, ngày 2/3/2024"))
    town = read_issuer(head)
    assert town is not None and (town.level, town.province) == ("district", None)


def test_header_columns_copied_with_several_tabs(directories: Directories) -> None:
    # Empty cells between the columns make no table of the header.
    lines = (
        "UBND TỈNH HÀ TĨNH\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ VĂN HÓA, THỂ THAO\t\tĐộc lập - Tự do - Hạnh phúc\nVÀ DU LỊCH\t\t"
    )
    text = HEADER.format(issuer_lines=lines, symbol="SVHTTDL-VP", place="Hà Tĩnh").replace(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n", ""
    )
    assert _issuer(directories, text) == "Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Tĩnh"


def test_a_body_that_names_its_level_is_not_given_it_twice(directories: Directories) -> None:
    text = HEADER.format(
        issuer_lines="UBND TỈNH QUẢNG BÌNH\nTHANH TRA TỈNH", symbol="TTr-VP", place="Quảng Bình"
    )
    assert _issuer(directories, text) == "Thanh tra tỉnh Quảng Bình"


def test_a_letter_without_header_is_issued_by_the_department_of_its_symbol(
    directories: Directories,
) -> None:
    # A department's abbreviation is the same in every province: "SYT" of a city the
    # central government runs is its "Sở Y tế thành phố".
    text = HEADER.format(issuer_lines="", symbol="TB-SYT", place="Cần Thơ").replace(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n", ""
    )
    assert _issuer(directories, text) == "Sở Y tế thành phố Cần Thơ"


def test_foot_columns_run_together_by_a_pdf_extraction(directories: Directories) -> None:
    # One space between the columns: what follows an item's ";" or "." on its line, when
    # it is an authority, a title in capitals or a name, is the signature block.
    foot = (
        "Nơi nhận: KT. GIÁM ĐỐC\n- Như trên; PHÓ GIÁM ĐỐC\n- UBND tỉnh (b/c);\n"
        "- Lưu: VT, TH. Đinh Thị Thu Trang\n                              2\n"
    )
    text = HEADER.format(
        issuer_lines="UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH", symbol="STC-VP", place="Nghệ An"
    )
    text = text[: text.index("Nơi nhận")] + foot
    signer = directories.read_letter(text, "sxd-thanhhoa")[1].content.signer
    assert signer is not None
    assert (signer.authority, signer.title, signer.name) == (
        "KT.",
        "Phó Giám đốc",
        "Đinh Thị Thu Trang",
    )
