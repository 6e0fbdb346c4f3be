"""Open tasks follow the unit that took their lead unit's work over (the 2025 merger of
Sở Giao thông vận tải into Sở Xây dựng, as the repository's directories declare it);
tasks already closed keep the unit and name they were assigned under."""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.domain.history import DirectoryHistory
from services.directives.settings import DIRECTORIES
from services.tasks.domain.model import Status
from services.tasks.handlers import TaskService
from shared.auth import Role
from shared.contracts.events import OrgUnitsSucceeded, TaskTransferred
from shared.contracts.values import UnitRef
from tests.service.conftest import (
    LEADER_SGTVT,
    LEADER_SXD,
    SGTVT,
    SXD,
    ServiceDb,
    deliver,
    principal,
    redeliver,
)
from tests.service.test_tasks_service import CONSUMER, CONTENT, METADATA, SERVICE, seed_issued

__all__ = ["METADATA", "SERVICE"]  # the service_db fixture reads them from this module

KHTC_SGTVT = principal("khtc.sgtvt", "Ngô Văn Bình", Role.UNIT_HEAD, agency=SGTVT, unit="KHTC")
MERGER = next(e for e in DirectoryHistory.load(DIRECTORIES).successions() if e.agency == SXD)
VP_SXD = UnitRef(code="VP", name="Văn phòng Sở")


@pytest.fixture
def svc(service_db: ServiceDb) -> TaskService:
    return TaskService(service_db.db, service_db.outbox, service_db.clock)


async def sgtvt_tasks(sdb: ServiceDb, svc: TaskService) -> None:
    """The seed letter's duties, issued by Sở Giao thông vận tải in 2020."""
    issued = seed_issued().model_copy(update={"agency": SGTVT})
    await deliver(sdb, svc.event_handlers(), issued, CONSUMER)
    await sdb.forget_staged()


async def test_open_tasks_of_a_merged_department_move_to_the_successor_closed_ones_stay(
    svc: TaskService, service_db: ServiceDb
) -> None:
    await sgtvt_tasks(service_db, svc)
    before = (await svc.find(LEADER_SGTVT)).items
    khtc = next(t for t in before if t.lead_unit.code == "KHTC")
    await svc.complete(khtc.id, "Đã phổ biến tới toàn thể công chức", 8, KHTC_SGTVT)
    await service_db.forget_staged()

    await deliver(service_db, svc.event_handlers(), MERGER, CONSUMER)

    # The completed task is still Sở GTVT's, under the name it was assigned under.
    left = (await svc.find(LEADER_SGTVT)).items
    assert [(t.id, t.status, t.lead_unit) for t in left] == [
        (khtc.id, Status.COMPLETED, UnitRef(code="KHTC", name="Phòng Kế hoạch - Tài chính"))
    ]
    # Every open one is now Sở Xây dựng's: SGTVT's own Office to SXD's Office, and the
    # units SGTVT does not have (the seed names SXD's divisions) to the catch-all, the Office.
    moved = {t.id: t for t in (await svc.find(LEADER_SXD)).items}
    assert set(moved) == {t.id for t in before} - {khtc.id}
    assert all(t.agency == SXD and t.is_open for t in moved.values())
    assert {t.lead_unit for t in moved.values()} == {VP_SXD}
    # Coordinating units with a successor of their own follow it; the others keep
    # their name only (an SGTVT code means nothing in SXD).
    by_index = {t.assignment_index: t for t in moved.values()}
    second_vp = [i for i, a in enumerate(CONTENT.assignments) if a.lead_unit.code == "VP"][1]
    assert by_index[second_vp].coordinating_units == (
        UnitRef(code="CDCQ", name="Công đoàn cơ quan"),
        UnitRef(code="TTr", name="Thanh tra Sở"),
    )
    assert UnitRef(name="Đoàn Thanh niên") in by_index[second_vp - 1].coordinating_units

    staged = await service_db.staged()
    assert all(isinstance(e, TaskTransferred) for e in staged)
    transferred = [e for e in staged if isinstance(e, TaskTransferred)]
    assert {e.task_id for e in transferred} == set(moved)
    first = next(e for e in transferred if e.previous_unit.code == "QLHDXD")
    assert (first.agency, first.previous_agency, first.lead_unit) == (SXD, SGTVT, VP_SXD)
    assert first.effective == dt.date(2025, 3, 1)
    assert "01/03/2025" in first.reason and "Sở Xây dựng" in first.reason
    entry = (await svc.get(first.task_id, LEADER_SXD)).history[-1]
    assert entry.kind == "transferred"
    assert entry.data["previous_unit"] == {
        "code": "QLHDXD",
        "name": "Phòng Quản lý hoạt động xây dựng",
    }
    assert entry.data["previous_agency"] == SGTVT


async def test_a_replayed_or_republished_change_moves_nothing_twice(
    svc: TaskService, service_db: ServiceDb
) -> None:
    await sgtvt_tasks(service_db, svc)
    sent = await deliver(service_db, svc.event_handlers(), MERGER, CONSUMER)
    moved = await svc.find(LEADER_SXD)
    await service_db.forget_staged()

    await redeliver(service_db, svc.event_handlers(), sent, CONSUMER)
    # The directives service republishes the whole history when a file changes: a new
    # event with the same successions finds every task where it belongs already.
    again = OrgUnitsSucceeded.model_validate(MERGER.model_dump())
    await deliver(service_db, svc.event_handlers(), again, CONSUMER)

    assert await service_db.staged() == []
    assert await svc.find(LEADER_SXD) == moved
