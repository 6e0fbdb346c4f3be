"""Reading rules stated for the grammar of Decree 30 letters, not for one letter's words.

Each test is a short excerpt written for the rule it checks (not a corpus letter), in the
style of test_importer_conventions. A row is (lead, coordinators, deadline).
"""

from __future__ import annotations

import datetime as dt

from services.directives.domain.directory import UnitDirectory

from .test_importer_blind_letters import directory, row
from .test_importer_conventions import read

__all__ = ["directory"]  # the module-scoped fixture, shared
D = dt.date


def test_a_cell_keeps_every_name_it_holds(directory: UnitDirectory) -> None:
    """A "phối hợp" cell holds names only: a body no rule knows ("Tổ dân phố"), a group
    with its qualifier ("Các đơn vị tham gia biểu diễn") is kept as written."""
    body = """TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian
1\tTuyên truyền tới hộ kinh doanh\tVăn phòng Sở\tTổ dân phố\tTrước 30/4/2023
2\tTổng duyệt chương trình\tThanh tra Sở\tCác đơn vị tham gia biểu diễn\tQuý II/2023
3\tKiểm tra hồ sơ\tThanh tra Sở\tVăn phòng Sở; Các thành viên Tổ công tác\tNăm 2023
"""
    a = read(body, directory).content.assignments
    assert [row(x) for x in a] == [
        ("VP", ["Tổ dân phố"], ("date", D(2023, 4, 30))),
        ("TTr", ["Các đơn vị tham gia biểu diễn"], ("date", D(2023, 6, 30))),
        ("TTr", ["VP", "Các thành viên Tổ công tác"], ("date", D(2023, 12, 31))),
    ]
