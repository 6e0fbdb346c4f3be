"""Who may do what, at the handler level, on a real PostgreSQL.

For every command and query of the four services, each user of the demo realm (plus a
unit staff member, and a unit head and an inspector of the second department) either
succeeds or is refused: `Forbidden` with the rule's code, or `NotFound` where another
department's ids do not exist for the caller. A refusal, like any query, leaves every
row of the service's database as it was (outbox included); an allowed command changes
them. Then: lists hold only what the caller may see, and the acting user is what the
events and the task history record.

The matrix (a row per action; `OK` where the rule allows, the expected code elsewhere)
is the specification: change a rule and a row here changes with it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pytest
from sqlalchemy import MetaData, select

from chidao.stack import postgres
from services.directives.adapters.tables import metadata as directives_metadata
from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.handlers import DirectiveService, Directories
from services.inspections.adapters.tables import metadata as inspections_metadata
from services.inspections.handlers import InspectionService
from services.reporting.adapters.tables import metadata as reporting_metadata
from services.reporting.handlers import ReportingService
from services.tasks.adapters.tables import metadata as tasks_metadata
from services.tasks.handlers import TaskService
from shared.auth import Principal
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    InspectionCompleted,
    OrgDirectoryPublished,
    ReportSubmitted,
    TaskCompleted,
    ViolationRecorded,
    ViolationResolved,
)
from shared.contracts.values import DirectiveContent, DocType, Unit, UnitKind
from shared.db import Database
from shared.errors import Forbidden, NotFound
from shared.settings import REPO_ROOT
from tests.service.conftest import (
    CLERK_SGTVT,
    CLERK_SXD,
    INSPECTOR_SGTVT,
    INSPECTOR_SXD,
    KHTC_HEAD,
    LEADER_SGTVT,
    LEADER_SXD,
    OPERATOR,
    PROVINCE,
    PROVINCE_NGHEAN,
    QLHDXD_HEAD,
    SGTVT,
    SXD,
    VP_HEAD,
    VP_HEAD_SGTVT,
    VP_STAFF,
    ServiceDb,
    deliver,
    emptied,
)
from tests.service.test_inspections_service import (
    CRITERIA,
    PLAN,
    RESULTS,
    VISIT,
    directory_published,
    local,
    ok,
)
from tests.service.test_tasks_service import seed_issued
from tests.unit.test_reporting_fixtures import at, year_2020

SEED = (REPO_ROOT / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt").read_text(encoding="utf-8")

# --- outcomes, users, the matrix's shape -------------------------------------------------

OK = "ok"
NOT_FOUND = "not_found"  # another department's id: it does not exist for the caller
ROLE = "role_required"  # Forbidden codes, as the handlers raise them
OTHER_AGENCY = "other_agency"
OTHER_UNIT = "other_unit"
OTHER_PROVINCE = "other_province"

SXD_MEMBERS = (CLERK_SXD, LEADER_SXD, VP_HEAD, VP_STAFF, KHTC_HEAD, INSPECTOR_SXD)
SGTVT_MEMBERS = (CLERK_SGTVT, LEADER_SGTVT, VP_HEAD_SGTVT, INSPECTOR_SGTVT)
USERS = (*SXD_MEMBERS, *SGTVT_MEMBERS, PROVINCE, OPERATOR)

# Every department member reads their own department; another's filter is refused.
OWN_LIST = dict.fromkeys(SXD_MEMBERS, OK) | dict.fromkeys(SGTVT_MEMBERS, OTHER_AGENCY)
OWN_READ = dict.fromkeys(SXD_MEMBERS, OK)  # and everyone else: NOT_FOUND


def expect(otherwise: str, given: Mapping[Principal, str]) -> dict[Principal, str]:
    """The outcome for every user: `given`, else `otherwise`."""
    assert set(given) <= set(USERS)
    return {user: given.get(user, otherwise) for user in USERS}


W = TypeVar("W")


@dataclass(frozen=True)
class Rule(Generic[W]):
    call: Callable[[W, Principal], Awaitable[object]]
    expected: dict[Principal, str]
    writes: bool  # a command: allowed, it must change something


def cases(rules: Mapping[str, Rule[Any]]) -> list[pytest.ParameterSet]:
    return [
        pytest.param(action, user, outcome, id=f"{action}-{user.username}-{outcome}")
        for action, rule in rules.items()
        for user, outcome in rule.expected.items()
    ]


async def outcome(call: Awaitable[object]) -> str:
    try:
        await call
    except Forbidden as refused:
        return refused.code
    except NotFound:
        return NOT_FOUND
    return OK


async def rows(sdb: ServiceDb) -> dict[str, list[str]]:
    """Every row of every table of the service, in a stable order."""
    out = {}
    async with sdb.db.sessions() as session:
        for table in sdb.metadata.sorted_tables:
            found = (await session.execute(select(table))).all()
            out[table.name] = sorted(repr(tuple(r)) for r in found)
    return out


@dataclass
class Kept:
    world: Any
    sdb: ServiceDb
    rows: dict[str, list[str]]
    now: dt.datetime


class Worlds:
    """Each service's starting state, built once and handed to the next test for as long
    as every row of its database and its clock are still as built. Queries and refusals
    leave them so (`check` asserts it): only an allowed command, or a test that acts on
    purpose, costs a rebuild, and the matrix runs in seconds rather than a minute."""

    def __init__(self, pg: postgres.PgSettings) -> None:
        self.pg = pg
        self.dbs: dict[str, Database] = {}
        self.kept: dict[str, Kept] = {}

    @asynccontextmanager
    async def use(
        self, service: str, metadata: MetaData, build: Callable[[ServiceDb], Awaitable[W]]
    ) -> AsyncIterator[W]:
        kept = self.kept.pop(service, None)
        if kept is None:
            if service not in self.dbs:
                self.dbs[service] = Database(self.pg.url(service))
            sdb = await emptied(self.dbs[service], service, metadata)
            world = await build(sdb)
            kept = Kept(world, sdb, await rows(sdb), sdb.clock.now())
        yield kept.world
        if await rows(kept.sdb) == kept.rows and kept.sdb.clock.now() == kept.now:
            self.kept[service] = kept

    async def close(self) -> None:
        for db in self.dbs.values():
            await db.dispose()


@pytest.fixture(scope="module")
async def worlds(pg: postgres.PgSettings) -> AsyncIterator[Worlds]:
    kept = Worlds(pg)
    try:
        yield kept
    finally:
        await kept.close()


async def check(sdb: ServiceDb, rule: Rule[W], world: W, user: Principal, expected: str) -> None:
    before = await rows(sdb)
    got = await outcome(rule.call(world, user))
    assert got == expected, f"{user.username} ({', '.join(user.roles)}): {got}"
    after = await rows(sdb)
    if expected == OK and rule.writes:
        assert after != before, "an allowed command changed nothing"
    else:
        assert after == before, "a query or a refused command changed the database"


# --- directives --------------------------------------------------------------------------


@dataclass
class Directives:
    sdb: ServiceDb
    svc: DirectiveService
    draft: uuid.UUID  # Sở Xây dựng's
    issued: uuid.UUID  # Sở Xây dựng's, 01/TB-SXD


def letter(subject: str) -> DirectiveContent:
    return DirectiveContent(doc_type=DocType.NOTICE, subject=subject)


async def build_directives(sdb: ServiceDb) -> Directives:
    """Both departments served; Sở Xây dựng has a draft and an issued directive."""
    sxd = load_directory(REPO_ROOT / "services" / "directives" / "directories" / f"{SXD}.yaml")
    sgtvt = UnitDirectory(
        code=SGTVT,
        name="Sở Giao thông vận tải",
        short_name="SGTVT",
        province="Thanh Hóa",
        units=(Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=16),),
    )
    svc = DirectiveService(sdb.db, sdb.outbox, sdb.clock, Directories([sxd, sgtvt], SXD))
    draft = await svc.create_draft(SXD, letter("Về việc thực hiện văn hóa công vụ"), CLERK_SXD)
    issued = await svc.create_draft(SXD, letter("Về việc đeo thẻ công chức"), CLERK_SXD)
    await svc.issue(issued.id, LEADER_SXD)
    await sdb.forget_staged()
    return Directives(sdb, svc, draft.id, issued.id)


@pytest.fixture
async def directives(worlds: Worlds) -> AsyncIterator[Directives]:
    async with worlds.use("directives", directives_metadata, build_directives) as world:
        yield world


async def _directory(w: Directives, u: Principal) -> object:
    return w.svc.directory(SXD, u)


DIRECTIVES: dict[str, Rule[Directives]] = {
    "import_letter": Rule(
        lambda w, u: w.svc.import_letter(SEED, SXD, u),
        expect(ROLE, {CLERK_SXD: OK, CLERK_SGTVT: OTHER_AGENCY}),
        writes=True,
    ),
    "create_draft": Rule(
        lambda w, u: w.svc.create_draft(SXD, letter("Về việc giờ làm việc"), u),
        expect(ROLE, {CLERK_SXD: OK, CLERK_SGTVT: OTHER_AGENCY}),
        writes=True,
    ),
    "edit_draft": Rule(
        lambda w, u: w.svc.edit_draft(w.draft, letter("Về việc trang phục công sở"), u),
        expect(ROLE, {CLERK_SXD: OK, CLERK_SGTVT: NOT_FOUND}),
        writes=True,
    ),
    "issue": Rule(
        lambda w, u: w.svc.issue(w.draft, u),
        expect(ROLE, {LEADER_SXD: OK, LEADER_SGTVT: NOT_FOUND}),
        writes=True,
    ),
    "revoke": Rule(
        lambda w, u: w.svc.revoke(w.issued, "Ban hành nhầm", u),
        expect(ROLE, {LEADER_SXD: OK, LEADER_SGTVT: NOT_FOUND}),
        writes=True,
    ),
    # The province reader reads every issued directive of its province (the cascade).
    "get": Rule(
        lambda w, u: w.svc.get(w.issued, u),
        expect(NOT_FOUND, OWN_READ | {PROVINCE: OK}),
        writes=False,
    ),
    "lineage": Rule(
        lambda w, u: w.svc.lineage(w.issued, u),
        expect(NOT_FOUND, OWN_READ | {PROVINCE: OK}),
        writes=False,
    ),
    # Every department member lists what upper bodies address to their department.
    "incoming": Rule(
        lambda w, u: w.svc.incoming(u),
        expect(ROLE, dict.fromkeys((*SXD_MEMBERS, *SGTVT_MEMBERS), OK)),
        writes=False,
    ),
    # The province reader lists its province's directives that give departments duties.
    "find": Rule(
        lambda w, u: w.svc.find(u, agency=SXD),
        expect(ROLE, OWN_LIST | {PROVINCE: OK}),
        writes=False,
    ),
    "directory": Rule(_directory, expect(NOT_FOUND, OWN_READ), writes=False),
}


@pytest.mark.parametrize(("action", "user", "expected"), cases(DIRECTIVES))
async def test_directives(
    directives: Directives, action: str, user: Principal, expected: str
) -> None:
    await check(directives.sdb, DIRECTIVES[action], directives, user, expected)


async def test_the_second_department_sees_none_of_the_first_and_cannot_number_in_its_series(
    directives: Directives,
) -> None:
    svc = directives.svc
    own = await svc.create_draft(None, letter("Về việc an toàn giao thông"), CLERK_SGTVT)
    sxd_ids = {directives.draft, directives.issued}
    assert {d.id for d in (await svc.find(CLERK_SXD)).items} == sxd_ids
    assert {d.id for d in (await svc.find(CLERK_SGTVT)).items} == {own.id}
    assert {d.id for d in (await svc.find(LEADER_SGTVT)).items} == {own.id}

    with pytest.raises(NotFound):
        await svc.issue(directives.draft, LEADER_SGTVT)
    # Nothing was numbered: each series starts at 01, the refusal took no number.
    assert (await svc.issue(own.id, LEADER_SGTVT)).reference == "01/TB-SGTVT"
    assert (await svc.issue(directives.draft, LEADER_SXD)).reference == "02/TB-SXD"
    assert {d.id for d in (await svc.find(CLERK_SGTVT)).items} == {own.id}


async def test_issuing_and_revoking_record_the_leader(directives: Directives) -> None:
    svc, sdb = directives.svc, directives.sdb
    await svc.issue(directives.draft, LEADER_SXD)
    await svc.revoke(directives.draft, "Ban hành nhầm", LEADER_SXD)
    issued, revoked = await sdb.staged()  # read back from the outbox as the relay sends them
    assert isinstance(issued, DirectiveIssued) and isinstance(revoked, DirectiveRevoked)
    assert issued.actor == revoked.actor == LEADER_SXD.actor
    assert (issued.actor.subject, issued.actor.name) == (LEADER_SXD.subject, "Trần Quốc Hùng")


# --- tasks -------------------------------------------------------------------------------

SGTVT_DIRECTIVE = uuid.UUID("7d1c7a52-6a0e-4d8e-9d7e-2b0a0c4f1e03")


@dataclass
class Tasks:
    sdb: ServiceDb
    svc: TaskService
    task: uuid.UUID  # Sở Xây dựng's yearly report, led by its Office (VP), due 15/12/2020


async def build_tasks(sdb: ServiceDb) -> Tasks:
    """The seed letter issued in both departments (the same unit codes in each); the
    Office of Sở Xây dựng asked to extend its yearly report."""
    svc = TaskService(sdb.db, sdb.outbox, sdb.clock)
    handlers = svc.event_handlers()
    await deliver(sdb, handlers, seed_issued(), "tasks")
    elsewhere = seed_issued(SGTVT_DIRECTIVE).model_copy(
        update={"agency": SGTVT, "reference": "01/TB-SGTVT"}
    )
    await deliver(sdb, handlers, elsewhere, "tasks")
    (task,) = [t for t in (await svc.find(LEADER_SXD)).items if t.due_date is not None]
    assert task.lead_unit.code == "VP"
    await svc.request_extension(task.id, dt.date(2020, 12, 20), "Chờ số liệu", VP_HEAD)
    await sdb.forget_staged()
    return Tasks(sdb, svc, task.id)


@pytest.fixture
async def tasks(worlds: Worlds) -> AsyncIterator[Tasks]:
    async with worlds.use("tasks", tasks_metadata, build_tasks) as world:
        yield world


# The lead unit's own head and staff act on a task; leaders, clerks and inspectors read
# the whole department's; another department's task, even of a unit with the same code,
# does not exist for its people.
LEAD_UNIT = expect(
    ROLE, {VP_HEAD: OK, VP_STAFF: OK, KHTC_HEAD: OTHER_UNIT, VP_HEAD_SGTVT: NOT_FOUND}
)
LATER = dt.date(2020, 12, 31)

TASKS: dict[str, Rule[Tasks]] = {
    "get": Rule(
        lambda w, u: w.svc.get(w.task, u),
        expect(NOT_FOUND, OWN_READ | {KHTC_HEAD: OTHER_UNIT}),
        writes=False,
    ),
    "find": Rule(lambda w, u: w.svc.find(u, agency=SXD), expect(ROLE, OWN_LIST), writes=False),
    "acknowledge": Rule(
        lambda w, u: w.svc.acknowledge(w.task, "Chánh Văn phòng", u), LEAD_UNIT, writes=True
    ),
    "report_progress": Rule(
        lambda w, u: w.svc.report_progress(w.task, 40, "Đã dự thảo", u), LEAD_UNIT, writes=True
    ),
    "complete": Rule(
        lambda w, u: w.svc.complete(w.task, "Đã gửi báo cáo", None, u), LEAD_UNIT, writes=True
    ),
    "request_extension": Rule(
        lambda w, u: w.svc.request_extension(w.task, LATER, "Chờ số liệu quý IV", u),
        LEAD_UNIT,
        writes=True,
    ),
    "grant_extension": Rule(
        lambda w, u: w.svc.grant_extension(w.task, "Đồng ý", None, u),
        expect(ROLE, {LEADER_SXD: OK, LEADER_SGTVT: NOT_FOUND}),
        writes=True,
    ),
}


@pytest.mark.parametrize(("action", "user", "expected"), cases(TASKS))
async def test_tasks(tasks: Tasks, action: str, user: Principal, expected: str) -> None:
    await check(tasks.sdb, TASKS[action], tasks, user, expected)


@pytest.mark.parametrize(
    ("user", "agency", "unit"),
    [
        (VP_HEAD, SXD, "VP"),
        (VP_STAFF, SXD, "VP"),
        (KHTC_HEAD, SXD, "KHTC"),
        (QLHDXD_HEAD, SXD, "QLHDXD"),
        (VP_HEAD_SGTVT, SGTVT, "VP"),
        (LEADER_SXD, SXD, None),
        (CLERK_SXD, SXD, None),
        (INSPECTOR_SXD, SXD, None),
        (LEADER_SGTVT, SGTVT, None),
    ],
    ids=lambda v: v.username if isinstance(v, Principal) else str(v),
)
async def test_a_task_list_holds_the_units_tasks_for_its_people_and_the_departments_for_others(
    tasks: Tasks, user: Principal, agency: str, unit: str | None
) -> None:
    everything = [t for a in (LEADER_SXD, LEADER_SGTVT) for t in (await tasks.svc.find(a)).items]
    assert len(everything) == 2 * len(seed_issued().content.assignments)
    # A unit sees what it leads and what it coordinates on (phối hợp).
    expected = {
        t.id
        for t in everything
        if t.agency == agency
        and (unit is None or unit in {t.lead_unit.code, *(c.code for c in t.coordinating_units)})
    }
    found = await tasks.svc.find(user)
    assert found.next_key is None
    assert expected and {t.id for t in found.items} == expected


async def test_a_unit_head_lists_another_units_tasks_only_where_it_coordinates(
    tasks: Tasks,
) -> None:
    led_by_vp = (await tasks.svc.find(LEADER_SXD, unit="VP")).items
    seen_by_khtc = (await tasks.svc.find(KHTC_HEAD, unit="VP")).items
    assert {t.id for t in seen_by_khtc} == {
        t.id for t in led_by_vp if "KHTC" in {c.code for c in t.coordinating_units}
    }
    assert {t.lead_unit.code for t in (await tasks.svc.find(VP_HEAD, unit="VP")).items} == {"VP"}


async def test_completing_records_the_unit_head_in_the_event_and_the_history(
    tasks: Tasks,
) -> None:
    await tasks.svc.complete(tasks.task, "Đã gửi báo cáo năm 2020", None, VP_HEAD)
    completed, _next_year = await tasks.sdb.staged()
    assert isinstance(completed, TaskCompleted) and completed.task_id == tasks.task
    assert completed.actor == VP_HEAD.actor
    entry = (await tasks.svc.get(tasks.task, LEADER_SXD)).history[-1]
    assert entry.kind == "completed"
    assert entry.data["actor"] == {"subject": VP_HEAD.subject, "name": "Nguyễn Thị Lan"}


# --- inspections -------------------------------------------------------------------------


@dataclass
class Inspections:
    sdb: ServiceDb
    svc: InspectionService
    planned: uuid.UUID  # every result recorded, not yet completed
    completed: uuid.UUID
    violation: uuid.UUID  # a finding of the completed one


async def build_inspections(sdb: ServiceDb) -> Inspections:
    """Two inspections of Sở Xây dựng, every result recorded: one completed (its
    findings now violations), one not yet."""
    svc = InspectionService(sdb.db, sdb.outbox, sdb.clock, CRITERIA)
    await deliver(sdb, svc.event_handlers(), directory_published(), "inspections")
    planned = await svc.plan(PLAN, INSPECTOR_SXD)
    completed = await svc.plan(PLAN, INSPECTOR_SXD)
    sdb.clock.set(local(VISIT, 17), frozen=True)
    for inspection in (planned, completed):
        await svc.record_results(inspection.id, RESULTS, INSPECTOR_SXD)
    sdb.clock.set(local(VISIT + dt.timedelta(days=1)), frozen=True)
    done = await svc.complete(completed.id, INSPECTOR_SXD)
    await sdb.forget_staged()
    return Inspections(sdb, svc, planned.id, completed.id, done.violations[0].id)


@pytest.fixture
async def inspections(worlds: Worlds) -> AsyncIterator[Inspections]:
    async with worlds.use("inspections", inspections_metadata, build_inspections) as world:
        yield world


# The department's inspectors act; every member reads; another department's inspector
# finds none of its inspections.
INSPECTOR = expect(ROLE, {INSPECTOR_SXD: OK, INSPECTOR_SGTVT: NOT_FOUND})

INSPECTIONS: dict[str, Rule[Inspections]] = {
    "plan": Rule(
        lambda w, u: w.svc.plan(PLAN, u),
        expect(ROLE, {INSPECTOR_SXD: OK, INSPECTOR_SGTVT: OTHER_AGENCY}),
        writes=True,
    ),
    "record_results": Rule(
        lambda w, u: w.svc.record_results(w.planned, [ok("KHTC", "DRESS-BADGE")], u),
        INSPECTOR,
        writes=True,
    ),
    "complete": Rule(lambda w, u: w.svc.complete(w.planned, u), INSPECTOR, writes=True),
    "verify": Rule(
        lambda w, u: w.svc.verify(w.violation, "Đã khắc phục", u), INSPECTOR, writes=True
    ),
    "get": Rule(lambda w, u: w.svc.get(w.completed, u), expect(NOT_FOUND, OWN_READ), writes=False),
    "find": Rule(lambda w, u: w.svc.find(u, agency=SXD), expect(ROLE, OWN_LIST), writes=False),
    "find_violations": Rule(
        lambda w, u: w.svc.find_violations(u, agency=SXD), expect(ROLE, OWN_LIST), writes=False
    ),
}


@pytest.mark.parametrize(("action", "user", "expected"), cases(INSPECTIONS))
async def test_inspections(
    inspections: Inspections, action: str, user: Principal, expected: str
) -> None:
    await check(inspections.sdb, INSPECTIONS[action], inspections, user, expected)


async def test_another_departments_inspector_lists_none_of_its_inspections(
    inspections: Inspections,
) -> None:
    svc = inspections.svc
    assert len((await svc.find(KHTC_HEAD)).items) == 2
    assert len((await svc.find_violations(KHTC_HEAD)).items) == 2
    assert (await svc.find(INSPECTOR_SGTVT)).items == []
    assert (await svc.find_violations(INSPECTOR_SGTVT)).items == []


async def test_completing_and_verifying_record_the_inspector(inspections: Inspections) -> None:
    svc, sdb = inspections.svc, inspections.sdb
    await svc.complete(inspections.planned, INSPECTOR_SXD)
    await svc.verify(inspections.violation, "Đã khắc phục", INSPECTOR_SXD)
    completed, *recorded, resolved = await sdb.staged()
    assert isinstance(completed, InspectionCompleted) and isinstance(resolved, ViolationResolved)
    assert recorded and all(isinstance(e, ViolationRecorded) for e in recorded)
    assert {e.actor for e in (completed, *recorded, resolved)} == {INSPECTOR_SXD.actor}


# --- reporting ---------------------------------------------------------------------------


@dataclass
class Reporting:
    sdb: ServiceDb
    svc: ReportingService


async def _no_replay(topics: object, sink: Callable[[list[Envelope]], Awaitable[None]]) -> int:
    return 0


async def build_reporting(sdb: ServiceDb) -> Reporting:
    """Sở Xây dựng's 2020 as events, Sở Giao thông vận tải's directory; nothing submitted
    yet; 10/12/2020, a reminder of the report due 15/12 received."""
    svc = ReportingService(sdb.db, sdb.outbox, sdb.clock, _no_replay)
    handlers = svc.event_handlers()
    for fact in year_2020().facts:
        sdb.clock.set(fact.time, frozen=True)
        await deliver(sdb, handlers, fact.event, "reporting", envelope_id=fact.event_id)
    other = OrgDirectoryPublished(
        agency=SGTVT,
        agency_name="Sở Giao thông vận tải",
        short_name="SGTVT",
        province="Thanh Hóa",
        units=(Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=16),),
    )
    await deliver(sdb, handlers, other, "reporting")
    sdb.clock.set(at(2020, 12, 10), frozen=True)
    assert await svc.scan_reminders() == 1
    for envelope in await sdb.envelopes():  # the reminder comes back through Kafka
        await deliver(sdb, handlers, envelope.event, "reporting", envelope_id=envelope.id)
    await sdb.forget_staged()
    return Reporting(sdb, svc)


@pytest.fixture
async def reporting(worlds: Worlds) -> AsyncIterator[Reporting]:
    async with worlds.use("reporting", reporting_metadata, build_reporting) as world:
        yield world


# The department reads its report; its leader submits it; the Office (Văn phòng, whose
# duty the report is) writes its text with the leader: see `edit_narrative` below.
# People of no department (the province's reader, the operator) are refused (403);
# another department's people find no such report (404).
OWN_LEADER = expect(
    NOT_FOUND,
    dict.fromkeys(SXD_MEMBERS, ROLE) | {LEADER_SXD: OK, PROVINCE: ROLE, OPERATOR: ROLE},
)

REPORTING: dict[str, Rule[Reporting]] = {
    "readable_report": Rule(
        lambda w, u: w.svc.readable_report(SXD, 2020, u),
        expect(NOT_FOUND, OWN_READ),
        writes=False,
    ),
    "docx": Rule(lambda w, u: w.svc.docx(SXD, 2020, u), expect(NOT_FOUND, OWN_READ), writes=False),
    # "The Office edits the text before signing" (services/reporting/domain/narrative.py),
    # and the seed letter gives the yearly report to the Văn phòng Sở: its head and its
    # staff write the narrative with the leader.
    "edit_narrative": Rule(
        lambda w, u: w.svc.edit_narrative(SXD, 2020, {"overview": "Tổng quan."}, u),
        OWN_LEADER | {VP_HEAD: OK, VP_STAFF: OK},
        writes=True,
    ),
    "submit": Rule(lambda w, u: w.svc.submit(SXD, 2020, u), OWN_LEADER, writes=True),
    "reminders": Rule(lambda w, u: w.svc.reminders(SXD, u), expect(ROLE, OWN_LIST), writes=False),
    "province": Rule(
        lambda w, u: w.svc.province("Thanh Hóa", 2020, u),
        expect(ROLE, {PROVINCE: OK}),
        writes=False,
    ),
}


@pytest.mark.parametrize(("action", "user", "expected"), cases(REPORTING))
async def test_reporting(reporting: Reporting, action: str, user: Principal, expected: str) -> None:
    await check(reporting.sdb, REPORTING[action], reporting, user, expected)


async def test_reminders_are_listed_to_their_own_department_only(reporting: Reporting) -> None:
    svc = reporting.svc
    (reminder,) = (await svc.reminders(None, VP_HEAD)).items
    assert (reminder["agency"], reminder["days_before"]) == (SXD, 7)
    assert (await svc.reminders(None, LEADER_SGTVT)).items == []


async def test_the_province_reads_a_report_once_it_is_submitted(reporting: Reporting) -> None:
    svc = reporting.svc
    with pytest.raises(NotFound):
        await svc.readable_report(SXD, 2020, PROVINCE)
    with pytest.raises(NotFound):
        await svc.docx(SXD, 2020, PROVINCE)

    submitted = await svc.submit(SXD, 2020, LEADER_SXD)
    report = await svc.readable_report(SXD, 2020, PROVINCE)
    assert report.model_dump(mode="json") == submitted.report
    assert (await svc.docx(SXD, 2020, PROVINCE))[:2] == b"PK"
    # Submitted, the report is still the department's alone to act on: the reader who
    # reads it is refused a change (403), not told it is not there.
    with pytest.raises(Forbidden) as refused:
        await svc.edit_narrative(SXD, 2020, {"overview": "Sửa sau khi gửi"}, PROVINCE)
    assert refused.value.code == "role_required"
    # The other department's people still find nothing.
    with pytest.raises(NotFound):
        await svc.readable_report(SXD, 2020, LEADER_SGTVT)


async def test_another_provinces_reader_reads_neither_the_roll_up_nor_a_report(
    reporting: Reporting,
) -> None:
    """The province check of the roll-up holds for a single report too: Nghệ An's Sở
    Nội vụ has no business reading Thanh Hóa's departments' reports."""
    svc = reporting.svc
    await svc.submit(SXD, 2020, LEADER_SXD)
    with pytest.raises(Forbidden) as refused:
        await svc.province("Thanh Hóa", 2020, PROVINCE_NGHEAN)
    assert refused.value.code == OTHER_PROVINCE
    assert (await svc.province("Nghệ An", 2020, PROVINCE_NGHEAN))["submitted"] == 0
    with pytest.raises(NotFound):
        await svc.readable_report(SXD, 2020, PROVINCE_NGHEAN)
    with pytest.raises(NotFound):
        await svc.docx(SXD, 2020, PROVINCE_NGHEAN)


async def test_submitting_records_the_leader(reporting: Reporting) -> None:
    await reporting.svc.submit(SXD, 2020, LEADER_SXD)
    (event,) = await reporting.sdb.staged()
    assert isinstance(event, ReportSubmitted) and event.report_id == f"{SXD}/2020"
    assert event.actor == LEADER_SXD.actor
