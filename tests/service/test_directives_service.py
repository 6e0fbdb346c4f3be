"""The directives service's handlers on a real PostgreSQL: state and outbox rows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.directives.adapters.tables import metadata
from services.directives.domain.directory import UnitDirectory, load_directory
from services.directives.domain.model import Directive, Status
from services.directives.handlers import DirectiveService, Directories
from services.directives.settings import DirectivesSettings
from shared.auth import Principal, Role
from shared.clock import VN_TZ
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    OrgDirectoryPublished,
    OrgUnitsSucceeded,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    ImportWarning,
    Unit,
    UnitKind,
    UnitRef,
)
from shared.errors import Conflict, Forbidden, InvalidField, InvalidTransition, NotFound
from shared.settings import REPO_ROOT
from tests.service.conftest import (
    CLERK_SGTVT,
    CLERK_SXD,
    LEADER_SGTVT,
    LEADER_SXD,
    SGTVT,
    SXD,
    ServiceDb,
    principal,
)

SERVICE = "directives"
METADATA = metadata
SEED = (REPO_ROOT / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt").read_text(encoding="utf-8")


@pytest.fixture
def svc(service_db: ServiceDb) -> DirectiveService:
    settings = DirectivesSettings()
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    return DirectiveService(service_db.db, service_db.outbox, service_db.clock, directories)


async def test_issuing_the_seed_numbers_it_and_stages_directive_issued(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    draft = await svc.import_letter(SEED, SXD, CLERK_SXD)
    assert await service_db.staged() == []  # a draft tells no one
    issued = await svc.issue(draft.id, LEADER_SXD)
    assert issued.reference is not None and issued.reference.startswith("01/")
    (event,) = await service_db.staged()
    assert isinstance(event, DirectiveIssued)
    assert event.directive_id == draft.id and event.reference == issued.reference
    with pytest.raises(InvalidTransition):
        await svc.issue(draft.id, LEADER_SXD)
    assert len(await service_db.staged()) == 1


async def test_revoking_needs_a_reason_and_stages_directive_revoked(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    draft = await svc.import_letter(SEED, SXD, CLERK_SXD)
    await svc.issue(draft.id, LEADER_SXD)
    with pytest.raises(InvalidField) as caught:
        await svc.revoke(draft.id, "  ", LEADER_SXD)
    assert caught.value.field == "reason"
    await svc.revoke(draft.id, "Ban hành nhầm", LEADER_SXD)
    _, revoked = await service_db.staged()
    assert isinstance(revoked, DirectiveRevoked) and revoked.reason == "Ban hành nhầm"
    with pytest.raises(NotFound):
        await svc.revoke(draft.id.__class__(int=0), "x", LEADER_SXD)


async def test_directories_are_published_once_until_they_change(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    await svc.publish_directories()
    await svc.publish_directories()
    published = await service_db.staged()
    history = svc.directories.history
    # Every version of every agency, oldest first, so the last one a consumer keeps of
    # an agency is its newest; then what the reorganisation did to units.
    versions = [e for e in published if isinstance(e, OrgDirectoryPublished)]
    assert len(versions) == sum(len(vs) for vs in history.versions.values())
    last = {e.agency: e.valid_from for e in versions}
    assert last == {d.code: d.valid_from for d in history.newest()}
    assert last["sxd-thanhhoa"] == dt.date(2025, 3, 1)
    assert [e.valid_from for e in versions if e.agency == "sxd-thanhhoa"] == [None, last[SXD]]
    succeeded = [e for e in published if isinstance(e, OrgUnitsSucceeded)]
    assert succeeded == history.successions()
    assert len(versions) + len(succeeded) == len(published)


# --- drafts, numbering, duplicates, lookups --------------------------------------------

VP = UnitRef(code="VP", name="Văn phòng Sở")
BY_15_12 = Deadline(kind=DeadlineKind.YEARLY, day=15, month=12, text="trước ngày 15/12 hằng năm")
SUBJECT = "Về việc tăng cường thực hiện văn hóa công vụ"
# Who drafts and who issues in each department.
STAFF = {SXD: (CLERK_SXD, LEADER_SXD), SGTVT: (CLERK_SGTVT, LEADER_SGTVT)}


@pytest.fixture
def two(service_db: ServiceDb) -> DirectiveService:
    """Two agencies: the deployment's Sở Xây dựng and a Sở Giao thông vận tải."""
    settings = DirectivesSettings()
    sxd = load_directory(settings.directories_dir / f"{SXD}.yaml")
    sgtvt = UnitDirectory(
        code=SGTVT,
        name="Sở Giao thông vận tải",
        short_name="SGTVT",
        province="Thanh Hóa",
        units=(Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=20),),
    )
    directories = Directories([sxd, sgtvt], SXD)
    return DirectiveService(service_db.db, service_db.outbox, service_db.clock, directories)


def content(subject: str = SUBJECT, *assignments: Assignment) -> DirectiveContent:
    return DirectiveContent(doc_type=DocType.NOTICE, subject=subject, assignments=assignments)


def report_duty(deadline: Deadline = BY_15_12) -> Assignment:
    return Assignment(lead_unit=VP, action="Tổng hợp, báo cáo kết quả", deadline=deadline)


def at_local(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=VN_TZ)


async def test_create_draft_refuses_a_yearly_deadline_without_day_or_month(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    no_day = Deadline(kind=DeadlineKind.YEARLY, month=12, text="hằng năm")
    with pytest.raises(InvalidField) as caught:
        await svc.create_draft(SXD, content(SUBJECT, report_duty(no_day)), CLERK_SXD)
    assert caught.value.field == "content.assignments.0.deadline.day"

    no_month = Deadline(kind=DeadlineKind.YEARLY, day=15, text="ngày 15 hằng năm")
    with pytest.raises(InvalidField) as caught:
        await svc.create_draft(
            SXD, content(SUBJECT, report_duty(), report_duty(no_month)), CLERK_SXD
        )
    assert caught.value.field == "content.assignments.1.deadline.month"
    assert (await svc.find(CLERK_SXD)).items == []
    assert await service_db.staged() == []


async def test_a_draft_is_created_and_edited_without_telling_anyone(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    # No agency named: the clerk's own.
    draft = await svc.create_draft(None, content(SUBJECT, report_duty()), CLERK_SXD)
    read = await svc.get(draft.id, CLERK_SXD)
    assert (read.agency, read.status, read.reference, read.year) == (SXD, Status.DRAFT, None, None)
    assert read.content == content(SUBJECT, report_duty())

    edited = content("Về việc thực hiện nếp sống văn minh công sở", report_duty())
    await svc.edit_draft(draft.id, edited, CLERK_SXD)
    assert (await svc.get(draft.id, CLERK_SXD)).content == edited

    # The content is the whole request of an edit: the field is relative to it.
    no_day = Deadline(kind=DeadlineKind.YEARLY, month=12)
    with pytest.raises(InvalidField) as caught:
        await svc.edit_draft(draft.id, content(SUBJECT, report_duty(no_day)), CLERK_SXD)
    assert caught.value.field == "assignments.0.deadline.day"
    assert (await svc.get(draft.id, CLERK_SXD)).content == edited
    with pytest.raises(NotFound):
        await svc.edit_draft(uuid.UUID(int=0), edited, CLERK_SXD)
    with pytest.raises(NotFound):
        await svc.get(uuid.UUID(int=0), CLERK_SXD)
    assert await service_db.staged() == []


async def test_an_issued_directive_cannot_be_edited(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    draft = await svc.create_draft(SXD, content(SUBJECT, report_duty()), CLERK_SXD)
    await svc.issue(draft.id, LEADER_SXD)
    staged = await service_db.staged()
    assert [type(e) for e in staged] == [DirectiveIssued]

    with pytest.raises(InvalidTransition):
        await svc.edit_draft(draft.id, content("Trích yếu khác"), CLERK_SXD)
    assert await service_db.staged() == staged
    read = await svc.get(draft.id, CLERK_SXD)
    assert (read.status, read.reference, read.content.subject) == (
        Status.ISSUED,
        "01/TB-SXD",
        SUBJECT,
    )


async def test_a_refused_issue_uses_no_number(svc: DirectiveService, service_db: ServiceDb) -> None:
    blank = await svc.create_draft(SXD, content("   "), CLERK_SXD)
    with pytest.raises(InvalidTransition):
        await svc.issue(blank.id, LEADER_SXD)
    assert (await svc.get(blank.id, LEADER_SXD)).status is Status.DRAFT
    assert await service_db.staged() == []
    good = await svc.create_draft(SXD, content(SUBJECT), CLERK_SXD)
    assert (await svc.issue(good.id, LEADER_SXD)).reference == "01/TB-SXD"


async def test_numbering_is_per_agency_and_restarts_at_01_each_local_year(
    two: DirectiveService, service_db: ServiceDb
) -> None:
    clock = service_db.clock

    async def issue(agency: str, subject: str) -> Directive:
        clerk, leader = STAFF[agency]
        draft = await two.create_draft(agency, content(subject), clerk)
        await two.issue(draft.id, leader)
        return await two.get(draft.id, leader)

    a = await issue(SXD, "Văn bản thứ nhất")
    b = await issue(SXD, "Văn bản thứ hai")
    c = await issue(SGTVT, "Văn bản của Sở Giao thông vận tải")
    clock.set(at_local(2020, 12, 31, 23, 30), frozen=True)
    d = await issue(SXD, "Văn bản cuối năm")
    # 00:30 on 01/01/2021 in Hà Nội: still 31/12/2020 in UTC, but a new year's series.
    clock.set(at_local(2021, 1, 1, 0, 30), frozen=True)
    e = await issue(SXD, "Văn bản đầu năm")
    f = await issue(SGTVT, "Văn bản đầu năm của Sở Giao thông vận tải")

    assert [(x.reference, x.year, x.serial) for x in (a, b, c, d, e, f)] == [
        ("01/TB-SXD", 2020, 1),
        ("02/TB-SXD", 2020, 2),
        ("01/TB-SGTVT", 2020, 1),
        ("03/TB-SXD", 2020, 3),
        ("01/TB-SXD", 2021, 1),
        ("01/TB-SGTVT", 2021, 1),
    ]
    assert [x.content.date for x in (a, d, e)] == [
        dt.date(2020, 4, 20),
        dt.date(2020, 12, 31),
        dt.date(2021, 1, 1),
    ]
    staged = await service_db.staged()
    assert [(type(x), x.agency) for x in staged] == [
        (DirectiveIssued, SXD),
        (DirectiveIssued, SXD),
        (DirectiveIssued, SGTVT),
        (DirectiveIssued, SXD),
        (DirectiveIssued, SXD),
        (DirectiveIssued, SGTVT),
    ]
    assert [(x.directive_id, x.reference) for x in staged if isinstance(x, DirectiveIssued)] == [
        (a.id, "01/TB-SXD"),
        (b.id, "02/TB-SXD"),
        (c.id, "01/TB-SGTVT"),
        (d.id, "03/TB-SXD"),
        (e.id, "01/TB-SXD"),
        (f.id, "01/TB-SGTVT"),
    ]
    first = staged[0]
    assert isinstance(first, DirectiveIssued)
    assert (first.content.number, first.content.symbol, first.content.date) == (
        "01",
        "TB-SXD",
        dt.date(2020, 4, 20),
    )
    assert first.issued_at == at_local(2020, 4, 20)


async def test_a_register_continued_from_paper_numbers_the_next_document_after_it(
    svc: DirectiveService,
) -> None:
    # The department has issued 83 documents on paper this year before starting here.
    before = await svc.number_series(None, 2020, LEADER_SXD)
    assert (before.last_issued, before.next_number) == (0, 1)
    continued = await svc.continue_number_series(SXD, 2020, 83, CLERK_SXD)
    assert (continued.last_issued, continued.next_number) == (83, 84)
    draft = await svc.create_draft(SXD, content(SUBJECT), CLERK_SXD)
    assert (await svc.issue(draft.id, LEADER_SXD)).reference == "84/TB-SXD"
    # Further forward is a correction the clerk may make; backwards would give 84 twice.
    assert (await svc.continue_number_series(SXD, 2020, 90, CLERK_SXD)).next_number == 91
    with pytest.raises(Conflict, match="không thể lùi về số 85"):
        await svc.continue_number_series(SXD, 2020, 85, CLERK_SXD)
    assert (await svc.number_series(SXD, 2020, CLERK_SXD)).last_issued == 90
    # Only the clerk, of their own department, and only this year's register.
    with pytest.raises(Forbidden):
        await svc.continue_number_series(SXD, 2020, 95, LEADER_SXD)
    with pytest.raises(Forbidden):
        await svc.continue_number_series(SXD, 2020, 95, CLERK_SGTVT)
    with pytest.raises(Forbidden):
        await svc.number_series(SXD, 2020, CLERK_SGTVT)
    with pytest.raises(InvalidField) as refused:
        await svc.continue_number_series(SXD, 2019, 95, CLERK_SXD)
    assert refused.value.field == "year"
    # The other department's register is its own.
    assert (await svc.number_series(None, 2020, CLERK_SGTVT)).last_issued == 0


async def test_a_second_issue_of_a_subject_in_a_year_is_warned_and_names_the_first(
    two: DirectiveService, service_db: ServiceDb
) -> None:
    first = await two.create_draft(SXD, content(SUBJECT), CLERK_SXD)
    second = await two.create_draft(SXD, content(SUBJECT.replace("Về việc", "về Việc")), CLERK_SXD)
    elsewhere = await two.create_draft(SGTVT, content(SUBJECT), CLERK_SGTVT)
    await two.issue(first.id, LEADER_SXD)  # the other draft of the subject is no issued one
    await two.issue(second.id, LEADER_SXD)
    await two.issue(elsewhere.id, LEADER_SGTVT)  # another agency's subject
    service_db.clock.set(at_local(2021, 2, 1), frozen=True)
    next_year = await two.create_draft(SXD, content(SUBJECT), CLERK_SXD)
    await two.issue(next_year.id, LEADER_SXD)

    duplicate = ImportWarning(
        code="duplicate_subject",
        field="subject",
        message="Đã có văn bản cùng trích yếu ban hành năm 2020.",
    )
    assert (await two.get(second.id, CLERK_SXD)).warnings == (duplicate,)
    for clean in (first, next_year):
        assert (await two.get(clean.id, CLERK_SXD)).warnings == ()
    assert (await two.get(elsewhere.id, CLERK_SGTVT)).warnings == ()
    events = await service_db.staged()
    assert [(e.directive_id, e.duplicate_of) for e in events if isinstance(e, DirectiveIssued)] == [
        (first.id, None),
        (second.id, first.id),
        (elsewhere.id, None),
        (next_year.id, None),
    ]
    assert len(events) == 4


async def test_an_unknown_agency_is_an_invalid_field_and_its_directory_not_found(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    # A clerk of a department this deployment has no unit directory for (Hà Tĩnh: none
    # ships; Thanh Hóa and Nghệ An do).
    hatinh = "sxd-hatinh"
    clerk = principal("vanthu.sxd.hatinh", "Hồ Thị Vân", Role.CLERK, agency=hatinh)
    with pytest.raises(InvalidField) as caught:
        await svc.create_draft(hatinh, content(SUBJECT), clerk)
    assert caught.value.field == "agency"
    with pytest.raises(InvalidField) as caught:
        await svc.import_letter(SEED, None, clerk)
    assert caught.value.field == "agency"
    assert (await svc.find(clerk)).items == []
    assert await service_db.staged() == []

    with pytest.raises(NotFound):
        svc.directory(hatinh, clerk)
    with pytest.raises(NotFound):
        svc.directory("sxd-hatinh", CLERK_SXD)
    directory = svc.directory(SXD, CLERK_SXD)
    assert (directory.name, directory.short_name, directory.province) == (
        "Sở Xây dựng",
        "SXD",
        "Thanh Hóa",
    )
    vp = directory.by_code("VP")
    assert vp is not None and (vp.name, vp.staff) == ("Văn phòng Sở", 14)


def test_the_directory_of_a_day_and_after_a_merger(svc: DirectiveService) -> None:
    """Sở Xây dựng's transport division arrived with the 2025 merger; Sở GTVT's own
    directory ends the day it merged."""
    then = svc.directory(SXD, CLERK_SXD, dt.date(2020, 4, 20))
    now = svc.directory(SXD, CLERK_SXD)
    assert then.valid_from is None and then.by_code("QLVT") is None
    assert now.valid_from == dt.date(2025, 3, 1) and now.by_code("QLVT") is not None
    assert svc.directory(SGTVT, CLERK_SGTVT, dt.date(2025, 2, 28)).by_code("QLVT") is not None
    with pytest.raises(NotFound, match="01/03/2025"):
        svc.directory(SGTVT, CLERK_SGTVT, dt.date(2025, 3, 1))


async def test_find_by_agency_status_and_year(two: DirectiveService, service_db: ServiceDb) -> None:
    async def issued(agency: str, subject: str) -> uuid.UUID:
        clerk, leader = STAFF[agency]
        draft = await two.create_draft(agency, content(subject), clerk)
        await two.issue(draft.id, leader)
        return draft.id

    a = await issued(SXD, "Văn bản A")
    b = await issued(SXD, "Văn bản B")
    await two.revoke(b, "Ban hành nhầm", LEADER_SXD)
    c = (await two.create_draft(SXD, content("Dự thảo C"), CLERK_SXD)).id
    d = await issued(SGTVT, "Văn bản D")
    service_db.clock.set(at_local(2021, 3, 1), frozen=True)
    e = await issued(SXD, "Văn bản E")

    async def ids(
        agency: str | None = None,
        status: Status | None = None,
        year: int | None = None,
        user: Principal = CLERK_SXD,
    ) -> set[uuid.UUID]:
        found = await two.find(user, agency=agency, status=status, year=year)
        assert found.next_key is None  # a few rows: one page
        return {x.id for x in found.items}

    # Each department's list holds its own directives only.
    assert await ids() == {a, b, c, e}
    assert await ids(user=CLERK_SGTVT) == {d}
    assert await ids(status=Status.ISSUED) == {a, e}
    assert await ids(status=Status.ISSUED, user=LEADER_SGTVT) == {d}
    assert await ids(status=Status.REVOKED) == {b}
    assert await ids(status=Status.DRAFT) == {c}
    assert await ids(year=2020) == {a, b}
    assert await ids(year=2020, user=CLERK_SGTVT) == {d}
    assert await ids(year=2021) == {e}
    assert await ids(agency=SGTVT, user=CLERK_SGTVT) == {d}
    assert await ids(agency=SXD, status=Status.ISSUED, year=2020) == {a}
    assert await ids(agency=SXD, year=2019) == set()
    with pytest.raises(Forbidden) as refused:
        await ids(agency=SGTVT)  # the filter may name the caller's own department only
    assert refused.value.code == "other_agency"
    revoked = await two.get(b, LEADER_SXD)
    assert (revoked.status, revoked.revoke_reason) == (Status.REVOKED, "Ban hành nhầm")


async def test_a_letter_of_another_body_is_read_with_its_directory_and_drafted_by_names(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    # A letter of the Nghệ An Department of Finance, imported by the Sở Xây dựng clerk:
    # its "các phòng, đơn vị thuộc Sở" are that department's, not Sở Xây dựng's divisions.
    letter = (
        "UBND TỈNH NGHỆ AN\nSỞ TÀI CHÍNH\nSố: 12/STC-VP\tNghệ An, ngày 06 tháng 9 năm 2023\n"
        "V/v triển khai nhiệm vụ\n\nKính gửi: Các phòng, đơn vị thuộc Sở.\n\n"
        "1. Các phòng, đơn vị thuộc Sở rà soát, báo cáo trước ngày 20/9/2023.\n\n"
        "Nơi nhận:\tGIÁM ĐỐC\n- Như trên;\n- Lưu: VT.\n\tNguyễn Văn An\n"
    )
    draft = await svc.import_letter(letter, SXD, CLERK_SXD)
    assert draft.agency == SXD
    c = draft.content
    assert c.issuer == "Sở Tài chính"
    assert [a.lead_unit for a in c.assignments] == [
        UnitRef(name="Văn phòng Sở"),
        UnitRef(name="Thanh tra Sở"),
    ]
    assert "issuer_units" in [w.code for w in draft.warnings]
