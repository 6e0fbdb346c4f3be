"""Reading rules for layouts and phrasings of Decree 30/2020 letters (stop 8).

Each test is a short excerpt written for the rule it checks (not a corpus letter). A row
is (lead, coordinators, deadline), as in test_importer_blind_letters.
"""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.domain.directory import UnitDirectory
from services.directives.domain.importer import ImportResult, import_letter

from .test_importer_blind_letters import directory, row

__all__ = ["directory"]  # the module-scoped fixture, shared
D = dt.date

_HEAD = """UBND TỈNH THANH HÓA
SỞ XÂY DỰNG
Số: 310/SXD-VP
V/v triển khai nhiệm vụ
Thanh Hóa, ngày 03 tháng 3 năm 2023
"""
_FOOT = """Nơi nhận:
- Như trên;
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Bình
"""


@pytest.fixture(scope="module")
def commune() -> UnitDirectory:
    """An issuer this deployment has no directory of: every name is kept as written."""
    return UnitDirectory(
        code="", name="Ủy ban nhân dân phường", short_name="", province="Thanh Hóa", units=()
    )


def read(body: str, directory: UnitDirectory) -> ImportResult:
    return import_letter(f"{_HEAD}{body}{_FOOT}", directory)


def test_table_copied_one_cell_per_line(directory: UnitDirectory) -> None:
    body = """Sở Xây dựng giao nhiệm vụ như sau:
TT
Nội dung công việc
Đơn vị chủ trì
Đơn vị phối hợp
Thời gian hoàn thành
1
Rà soát quy hoạch chung các đô thị
Phòng Quy hoạch - Kiến trúc
Viện Quy hoạch - Kiến trúc
Quý II/2023
2
Kiểm tra chất lượng công trình
trường học trên địa bàn
Phòng Quản lý hoạt động xây dựng
Thanh tra Sở; Trung tâm Kiểm định chất lượng xây dựng
Trước 30/9/2023
3
Bố trí kinh phí kiểm định
Phòng Kế hoạch - Tài chính

Năm 2023
Các phòng báo cáo kết quả về Văn phòng Sở./.
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a[:3]] == [
        ("QHKT", ["VQHKT"], ("date", D(2023, 6, 30))),
        ("QLHDXD", ["TTr", "TTKD"], ("date", D(2023, 9, 30))),
        ("KHTC", [], ("date", D(2023, 12, 31))),
    ]
    # The content cell wrapped over two lines is one cell again.
    assert a[1].action == "Kiểm tra chất lượng công trình trường học trên địa bàn"


def test_a_unit_name_with_fields_ends_at_a_colon(commune: UnitDirectory) -> None:
    body = """UBND phường yêu cầu:
1. Phòng Vận tải, phương tiện và người lái:
- Kiểm tra các công trình xuống cấp; báo cáo trước ngày 20/3/2023;
- Phối hợp với Công an phường kiểm tra phòng cháy, chữa cháy trước ngày 31/3/2023.
"""
    a = read(body, commune).content.assignments
    assert [row(x) for x in a] == [
        ("Phòng Vận tải, phương tiện và người lái", [], ("date", D(2023, 3, 20))),
        ("Phòng Vận tải, phương tiện và người lái", ["Công an phường"], ("date", D(2023, 3, 31))),
    ]
