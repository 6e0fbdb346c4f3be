"""Directory versions and what a reorganisation did to units: loading, validation, the
successions published, the importer's choice of directory by the letter's date, and
the task rule that moves open work to the successor."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from services.directives.domain.history import DirectoryConfigError, DirectoryHistory
from services.directives.handlers import Directories
from services.directives.settings import DIRECTORIES
from services.tasks.domain.model import Status, Task
from shared.contracts.events import Succession, SuccessionKind, TaskTransferred
from shared.contracts.values import Deadline, DeadlineKind, UnitRef

MARCH_2025 = dt.date(2025, 3, 1)
HISTORY = DirectoryHistory.load(DIRECTORIES)

A_2020 = """
agency: {code: sa-x, name: Sở A, short_name: SA, province: Tỉnh X}
units:
  - {code: VP, name: Văn phòng Sở, kind: office}
  - {code: P1, name: Phòng Một, kind: division}
  - {code: P2, name: Phòng Hai, kind: division}
"""
B_2020 = """
agency: {code: sb-x, name: Sở B, short_name: SB, province: Tỉnh X}
units:
  - {code: VP, name: Văn phòng Sở, kind: office}
  - {code: Q1, name: Phòng Quy, kind: division}
"""
A_2025 = """
agency: {code: sa-x, name: Sở A, short_name: SA, province: Tỉnh X}
valid_from: 2025-03-01
changes:
  - {unit: P2, kind: merged, to: P1, note: Sáp nhập}
  - {agency: sb-x, unit: Q1, kind: merged, to: Q1}
  - {agency: sb-x, kind: merged, to: VP}
units:
  - {code: VP, name: Văn phòng Sở, kind: office}
  - {code: P1, name: Phòng Một và Hai, kind: division}
  - {code: Q1, name: Phòng Quy, kind: division}
"""


def folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


# --- loading and reading versions ------------------------------------------------------


def test_the_directory_of_an_agency_on_a_day(tmp_path: Path) -> None:
    h = DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=A_2025))
    a_2020, a_2025 = h.on("sa-x", dt.date(2020, 4, 20)), h.on("sa-x", MARCH_2025)
    assert a_2020 is not None and a_2025 is not None
    assert [u.code for u in a_2020.units] == ["VP", "P1", "P2"]
    p1 = a_2025.by_code("P1")
    assert p1 is not None and p1.name == "Phòng Một và Hai"
    # Sở B merged into Sở A as a whole: it has a directory until the eve only.
    assert h.on("sb-x", dt.date(2025, 2, 28)) is not None
    assert h.on("sb-x", MARCH_2025) is None
    assert [d.code for d in h.all_on(MARCH_2025)] == ["sa-x"]
    assert {d.code: d.valid_from for d in h.newest()} == {"sa-x": MARCH_2025, "sb-x": None}


def test_successions_name_units_before_and_after(tmp_path: Path) -> None:
    h = DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=A_2025))
    [event] = h.successions()
    assert (event.agency, event.effective) == ("sa-x", MARCH_2025)
    found = {(s.from_agency, s.from_unit): s for s in event.successions}
    assert found[("sa-x", "P2")] == Succession(
        kind=SuccessionKind.MERGED,
        from_agency="sa-x",
        from_unit="P2",
        from_name="Phòng Hai",
        to_agency="sa-x",
        to_unit="P1",
        to_name="Phòng Một và Hai",
        note="Sáp nhập",
    )
    assert (found[("sb-x", None)].to_agency, found[("sb-x", None)].to_unit) == ("sa-x", "VP")
    # Same code, new name, no entry: an implicit rename.
    assert found[("sa-x", "P1")].kind is SuccessionKind.RENAMED
    assert found[("sa-x", "P1")].to_name == "Phòng Một và Hai"


def test_a_merge_into_a_unit_that_does_not_exist_names_the_file_and_unit(tmp_path: Path) -> None:
    bad = A_2025.replace("{unit: P2, kind: merged, to: P1", "{unit: P2, kind: merged, to: P9")
    with pytest.raises(
        DirectoryConfigError,
        match=r"a2025\.yaml: change of sa-x/P2: merged into sa-x/P9, which does not exist "
        r"on 01/03/2025",
    ):
        DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=bad))


def test_a_change_of_a_unit_that_never_existed_is_refused(tmp_path: Path) -> None:
    bad = A_2025.replace("{agency: sb-x, unit: Q1,", "{agency: sb-x, unit: Q7,")
    with pytest.raises(
        DirectoryConfigError, match=r"a2025\.yaml: change of sb-x/Q7: sb-x has no unit Q7"
    ):
        DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=bad))


def test_a_unit_that_disappears_without_a_change_is_refused(tmp_path: Path) -> None:
    bad = A_2025.replace("  - {unit: P2, kind: merged, to: P1, note: Sáp nhập}\n", "")
    with pytest.raises(
        DirectoryConfigError, match=r"a2025\.yaml: unit sa-x/P2 \(Phòng Hai\).*no change"
    ):
        DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=bad))


def test_a_merge_needs_its_successor_and_changes_need_a_date(tmp_path: Path) -> None:
    no_target = A_2025.replace(
        "{unit: P2, kind: merged, to: P1, note: Sáp nhập}", "{unit: P2, kind: merged}"
    )
    with pytest.raises(DirectoryConfigError, match=r"sa-x/P2: merged needs `to`"):
        DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=no_target))
    undated = A_2025.replace("valid_from: 2025-03-01\n", "")
    (tmp_path / "a2025.yaml").write_text(undated, encoding="utf-8")
    with pytest.raises(DirectoryConfigError, match=r"a2025\.yaml: changes need a valid_from"):
        DirectoryHistory.load(tmp_path)


def test_a_dissolved_unit_may_leave_no_successor(tmp_path: Path) -> None:
    gone = A_2025.replace(
        "{unit: P2, kind: merged, to: P1, note: Sáp nhập}", "{unit: P2, kind: dissolved}"
    )
    h = DirectoryHistory.load(folder(tmp_path, a=A_2020, b=B_2020, a2025=gone))
    [event] = h.successions()
    p2 = next(s for s in event.successions if s.from_unit == "P2")
    assert (p2.kind, p2.to_agency, p2.to_unit) == (SuccessionKind.DISSOLVED, None, None)


# --- the repository's directories --------------------------------------------------------


def test_the_2025_merger_of_thanh_hoa_and_nghe_an_departments() -> None:
    for province in ("thanhhoa", "nghean"):
        before, after = dt.date(2025, 2, 28), MARCH_2025
        assert HISTORY.on(f"sgtvt-{province}", before) is not None
        for merged in ("sgtvt", "skhdt", "stnmt", "snnptnt", "sldtbxh", "stttt", "bdt"):
            assert HISTORY.on(f"{merged}-{province}", after) is None, merged
        names = {d.name for d in HISTORY.all_on(after) if d.province in ("Thanh Hóa", "Nghệ An")}
        assert {"Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo"} <= names
        ubnd = HISTORY.on(f"ubnd-{province}", after)
        assert ubnd is not None and ubnd.by_code("SGTVT") is None and ubnd.by_code("SNNMT")
        old_ubnd = HISTORY.on(f"ubnd-{province}", dt.date(2020, 4, 20))
        assert old_ubnd is not None and old_ubnd.by_code("SGTVT") is not None
    events = {e.agency: e for e in HISTORY.successions()}
    sxd = {(s.from_agency, s.from_unit): s for s in events["sxd-thanhhoa"].successions}
    assert (sxd[("sgtvt-thanhhoa", "QLVT")].to_agency, sxd[("sgtvt-thanhhoa", "QLVT")].to_unit) == (
        "sxd-thanhhoa",
        "QLVT",
    )
    # Work split off: children's protection to Sở Y tế, press to Sở Văn hóa.
    snv = {(s.from_agency, s.from_unit): s for s in events["snv-thanhhoa"].successions}
    assert snv[("sldtbxh-thanhhoa", "PBVCSTEBDG")].to_agency == "syt-thanhhoa"
    skhcn = {(s.from_agency, s.from_unit): s for s in events["skhcn-thanhhoa"].successions}
    assert skhcn[("stttt-thanhhoa", "PTTBCXB")].to_agency == "svhttdl-thanhhoa"


# --- the importer: the directory of the letter's date ------------------------------------

LETTER = """SỞ XÂY DỰNG TỈNH THANH HÓA
Số: 12/SXD-VP
V/v triển khai nhiệm vụ
Thanh Hóa, ngày 10 tháng 6 năm {year}

Kính gửi: Phòng Quản lý vận tải, phương tiện và người lái.

1. Phòng Quản lý vận tải, phương tiện và người lái chủ trì rà soát phương tiện,
báo cáo trước ngày 30/6/{year}.
"""


def test_a_letter_is_read_with_the_directory_of_its_date() -> None:
    directories = Directories.load(DIRECTORIES, "sxd-thanhhoa")
    read_2025, result_2025 = directories.read_letter(LETTER.format(year=2025), None)
    assert read_2025.valid_from == MARCH_2025
    assert result_2025.content.assignments[0].lead_unit.code == "QLVT"
    # In 2020 that division was Sở Giao thông vận tải's: Sở Xây dựng's 2020 units lack it.
    read_2020, result_2020 = directories.read_letter(LETTER.format(year=2020), None)
    assert read_2020.valid_from is None
    assert "QLVT" not in {a.lead_unit.code for a in result_2020.content.assignments}
    # Without a date: the newest version, as before versions existed.
    undated = LETTER.format(year=2025).replace("Thanh Hóa, ngày 10 tháng 6 năm 2025\n", "")
    read_now, _ = directories.read_letter(undated, None)
    assert read_now.valid_from == MARCH_2025


# --- the task rule ------------------------------------------------------------------------

AT = dt.datetime(2025, 3, 2, 1, tzinfo=dt.UTC)
MERGE = (
    Succession(
        kind=SuccessionKind.MERGED,
        from_agency="sb-x",
        from_unit="Q1",
        from_name="Phòng Quy",
        to_agency="sa-x",
        to_unit="Q1",
        to_name="Phòng Quy",
    ),
    Succession(
        kind=SuccessionKind.MERGED,
        from_agency="sb-x",
        from_name="Sở B",
        to_agency="sa-x",
        to_unit="VP",
        to_name="Văn phòng Sở",
        note="Hợp nhất",
    ),
)


def task(lead: str, status: Status = Status.ASSIGNED, *coordinating: str) -> Task:
    return Task(
        id=uuid.uuid4(),
        agency="sb-x",
        directive_id=uuid.uuid4(),
        directive_reference="01/KH-SB",
        assignment_index=0,
        lead_unit=UnitRef(code=lead, name=f"Phòng {lead}"),
        coordinating_units=tuple(UnitRef(code=c, name=f"Phòng {c}") for c in coordinating),
        action="Rà soát",
        deadline=Deadline(kind=DeadlineKind.NONE),
        due_date=None,
        status=status,
    )


def test_an_open_task_follows_its_units_successor_into_another_agency() -> None:
    before = task("Q1", Status.ASSIGNED, "Z9")
    changed = before.follow(AT, MARCH_2025, MERGE)
    assert changed is not None
    moved = changed.state
    assert (moved.agency, moved.lead_unit) == ("sa-x", UnitRef(code="Q1", name="Phòng Quy"))
    assert moved.coordinating_units == (UnitRef(name="Phòng Z9"),)  # no successor: name only
    assert moved.history[-1].kind == "transferred"
    [event] = changed.events
    assert isinstance(event, TaskTransferred)
    assert (event.agency, event.previous_agency, event.previous_unit) == (
        "sa-x",
        "sb-x",
        before.lead_unit,
    )
    assert event.reason.startswith("Phòng Q1 (sb-x) hợp nhất vào Phòng Quy từ ngày 01/03/2025")


def test_the_agency_catch_all_takes_the_other_units_and_closed_tasks_stay() -> None:
    other = task("K5").follow(AT, MARCH_2025, MERGE)
    assert other is not None and other.state.lead_unit == UnitRef(code="VP", name="Văn phòng Sở")
    assert task("Q1", Status.COMPLETED).follow(AT, MARCH_2025, MERGE) is None
    assert task("Q1", Status.CANCELLED).follow(AT, MARCH_2025, MERGE) is None
    # Once moved, the same change finds nothing to do (a replay).
    moved = task("Q1").follow(AT, MARCH_2025, MERGE)
    assert moved is not None and moved.state.follow(AT, MARCH_2025, MERGE) is None


def test_a_rename_in_place_renames_the_open_task_once() -> None:
    renamed = (
        Succession(
            kind=SuccessionKind.RENAMED,
            from_agency="sb-x",
            from_unit="Q1",
            from_name="Phòng Q1",
            to_agency="sb-x",
            to_unit="Q1",
            to_name="Phòng Quy hoạch",
        ),
    )
    changed = task("Q1").follow(AT, MARCH_2025, renamed)
    assert changed is not None and changed.state.agency == "sb-x"
    assert changed.state.lead_unit == UnitRef(code="Q1", name="Phòng Quy hoạch")
    assert "đổi tên thành Phòng Quy hoạch" in changed.events[0].reason  # type: ignore[attr-defined]
    assert changed.state.follow(AT, MARCH_2025, renamed) is None
