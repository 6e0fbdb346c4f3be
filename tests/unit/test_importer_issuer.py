"""The importer reads a letter with its issuer's directory, never the clerk's."""

from __future__ import annotations

import datetime as dt

import pytest

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
