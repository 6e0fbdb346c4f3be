"""The reporting service's handlers on a real PostgreSQL: the facts it keeps of the
events it consumes, narratives, submissions, reminders, the rebuild, and the events
each command stages in the outbox.

Events reach the service the way the consumer delivers them (`deliver`, with the
inbox). `KafkaLog` remembers every record delivered, at the topic, partition and offset
the consumer read it from, so `rebuild` replays exactly what Kafka would hold.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

import docx
import pytest
from sqlalchemy import func, select

from services.reporting.adapters import repository as repo
from services.reporting.adapters.tables import metadata
from services.reporting.domain.facts import AgencyInfo, Fact
from services.reporting.handlers import ReportingService
from shared.auth import Role
from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    DirectiveIssued,
    DirectiveRevoked,
    Event,
    OrgDirectoryPublished,
    ReportDue,
    ReportSubmitted,
)
from shared.contracts.values import (
    Assignment,
    Deadline,
    DeadlineKind,
    DirectiveContent,
    DocType,
    Unit,
    UnitKind,
)
from shared.errors import Conflict, InvalidField, NotFound
from shared.pagination import PageRequest, encode_cursor
from tests.service.conftest import (
    LEADER_SGTVT,
    LEADER_SXD,
    PROVINCE,
    PROVINCE_NGHEAN,
    VP_HEAD,
    ServiceDb,
    deliver,
    principal,
    redeliver,
)
from tests.unit.test_reporting_fixtures import (
    AGENCY,
    D1,
    REPORT_ACTION,
    UNITS,
    at,
    directory_event,
    ref,
    year_2020,
)

SERVICE = "reporting"
METADATA = metadata
CONSUMER = "reporting"
TOPICS = (
    "chidao.org.v1",
    "chidao.directives.v1",
    "chidao.tasks.v1",
    "chidao.inspections.v1",
    "chidao.reports.v1",
)
CUTOFF_2020 = dt.datetime(2020, 12, 15, tzinfo=VN_TZ)
# The obligation id is uuid5(namespace, "<directive_id>/<assignment index>"): the
# report duty of 05/TB-SXD is its assignment 1.
OBLIGATION = uuid.uuid5(uuid.UUID("8d0f6c43-2a7e-4b55-9c1e-5f3b7a90d214"), f"{D1}/1")
OTHER = "sgtvt-thanhhoa"

Sink = Callable[[list[Envelope]], Awaitable[None]]


class KafkaLog:
    """The records delivered to the consumer, at their positions: a replay from offset 0
    reads them back, topic by topic (another interleaving than the live delivery)."""

    def __init__(self, sdb: ServiceDb) -> None:
        self.sdb = sdb
        self.records: list[Envelope] = []
        self.topics_asked: list[tuple[str, ...]] = []
        self.facts_when_replay_started: list[int] = []
        self.batch = 10

    async def deliver(
        self, svc: ReportingService, event: Event, *, envelope_id: str = ""
    ) -> Envelope:
        sent = await deliver(
            self.sdb, svc.event_handlers(), event, CONSUMER, envelope_id=envelope_id
        )
        inbox = self.sdb.metadata.tables["inbox"]
        async with self.sdb.db.sessions() as session:
            row = (
                await session.execute(
                    select(inbox.c.topic, inbox.c.partition, inbox.c.offset)
                    .where(inbox.c.consumer == CONSUMER)
                    .where(inbox.c.event_id == sent.id)
                )
            ).one()
        self.records.append(replace(sent, topic=row[0], partition=row[1], offset=row[2]))
        return sent

    async def replay(self, topics: Sequence[str], sink: Sink) -> int:
        self.topics_asked.append(tuple(topics))
        self.facts_when_replay_started.append(await count_rows(self.sdb, "facts"))
        ordered = [r for topic in topics for r in self.records if r.topic == topic]
        for start in range(0, len(ordered), self.batch):
            await sink(ordered[start : start + self.batch])
        return len(ordered)


async def count_rows(sdb: ServiceDb, table: str) -> int:
    async with sdb.db.sessions() as session:
        found = await session.scalar(select(func.count()).select_from(sdb.metadata.tables[table]))
    return int(found or 0)


@pytest.fixture
def log(service_db: ServiceDb) -> KafkaLog:
    return KafkaLog(service_db)


@pytest.fixture
def svc(service_db: ServiceDb, log: KafkaLog) -> ReportingService:
    return ReportingService(
        service_db.db, service_db.outbox, service_db.clock, log.replay, reminder_days=(30, 7, 1)
    )


def set_clock(sdb: ServiceDb, when: dt.datetime) -> None:
    sdb.clock.set(when, frozen=True)


async def feed(sdb: ServiceDb, svc: ReportingService, log: KafkaLog, facts: Sequence[Fact]) -> None:
    """Deliver the events of hand-built facts, each at its own time and with its id."""
    for fact in facts:
        set_clock(sdb, fact.time)
        await log.deliver(svc, fact.event, envelope_id=fact.event_id)


async def feed_year(sdb: ServiceDb, svc: ReportingService, log: KafkaLog) -> None:
    """The hand-built 2020 of Sở Xây dựng Thanh Hóa: 25 events (see the fixture module)."""
    await feed(sdb, svc, log, year_2020().facts)


async def feed_seed_directive(sdb: ServiceDb, svc: ReportingService, log: KafkaLog) -> None:
    """The directory and 05/TB-SXD, whose assignment 1 reports before 15/12 every year."""
    await feed(sdb, svc, log, year_2020().facts[:2])


async def loop_back(sdb: ServiceDb, svc: ReportingService, log: KafkaLog) -> None:
    """Deliver what the service staged back to its own consumer, as Kafka would, with
    the outbox event ids; then empty the outbox."""
    for envelope in await sdb.envelopes():
        await log.deliver(svc, envelope.event, envelope_id=envelope.id)
    await sdb.forget_staged()


def other_directory() -> OrgDirectoryPublished:
    return OrgDirectoryPublished(
        agency=OTHER,
        agency_name="Sở Giao thông vận tải",
        short_name="SGTVT",
        province="Thanh Hóa",
        units=(Unit(code="VP", name="Văn phòng Sở", kind=UnitKind.OFFICE, staff=20),),
    )


def report_due(
    kind: str, days_before: int | None, when: dt.datetime, *, agency: str = AGENCY
) -> ReportDue:
    return ReportDue(
        agency=agency,
        obligation_id=OBLIGATION,
        directive_id=D1,
        directive_reference="05/TB-SXD",
        responsible_unit=ref("VP"),
        title=REPORT_ACTION,
        year=2020,
        due_date=dt.date(2020, 12, 15),
        kind="overdue" if kind == "overdue" else "reminder",
        days_before=days_before,
        at=when,
    )


# --- facts -----------------------------------------------------------------------------


async def test_a_redelivered_event_is_stored_once_even_after_the_inbox_forgot_it(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    org, issued = log.records
    handlers = svc.event_handlers()
    await redeliver(service_db, handlers, issued, CONSUMER)  # the inbox catches this one

    facts = await svc.facts()
    assert [(f.event_id, f.ce_type, f.topic) for f in facts] == [
        ("org", "chidao.org.directory_published.v1", "chidao.org.v1"),
        ("d1", "chidao.directive.issued.v1", "chidao.directives.v1"),
    ]
    assert [f.offset for f in facts] == [org.offset, issued.offset]
    assert isinstance(facts[1].event, DirectiveIssued) and facts[1].event.reference == "05/TB-SXD"
    assert facts[1].time == at(2020, 4, 20)

    # A rebuild drops the inbox with the facts; a redelivery after it meets only the
    # facts' own uniqueness by event id.
    assert await svc.rebuild() == {"replayed": 2, "facts": 2}
    await redeliver(service_db, handlers, issued, CONSUMER)
    again = await svc.facts()
    assert [(f.event_id, f.offset) for f in again] == [("org", org.offset), ("d1", issued.offset)]


async def test_facts_are_filtered_by_agency_and_type(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    set_clock(service_db, at(2020, 5, 1))
    await log.deliver(svc, other_directory(), envelope_id="other-org")

    assert [f.event_id for f in await svc.facts()] == ["org", "d1", "other-org"]
    assert [f.event_id for f in await svc.facts(AGENCY)] == ["org", "d1"]
    assert [f.event_id for f in await svc.facts(OTHER)] == ["other-org"]
    directories = await svc.facts(types=("chidao.org.directory_published.v1",))
    assert [f.event_id for f in directories] == ["org", "other-org"]
    assert await svc.facts(OTHER, ("chidao.directive.issued.v1",)) == []


async def test_agency_is_read_from_its_latest_directory(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    with pytest.raises(NotFound):
        await svc.agency(AGENCY)
    await feed_seed_directive(service_db, svc, log)
    assert await svc.agency(AGENCY) == AgencyInfo(AGENCY, "Sở Xây dựng", "SXD", "Thanh Hóa", UNITS)

    renamed = directory_event().model_copy(
        update={"agency_name": "Sở Xây dựng tỉnh Thanh Hóa", "units": UNITS[:3]}
    )
    set_clock(service_db, at(2020, 6, 1))
    await log.deliver(svc, renamed)
    assert await svc.agency(AGENCY) == AgencyInfo(
        AGENCY, "Sở Xây dựng tỉnh Thanh Hóa", "SXD", "Thanh Hóa", UNITS[:3]
    )
    # Another agency is not found from this one's facts.
    with pytest.raises(NotFound):
        await svc.agency(OTHER)


# --- the annual report -------------------------------------------------------------------


async def test_the_annual_report_of_a_year_delivered_as_events(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    set_clock(service_db, at(2021, 1, 10))
    report = await svc.annual(AGENCY, 2020)

    assert (report.agency, report.year, report.agency_name, report.province) == (
        AGENCY,
        2020,
        "Sở Xây dựng",
        "Thanh Hóa",
    )
    assert (report.period.start, report.period.end) == (
        dt.date(2019, 12, 15),
        dt.date(2020, 12, 14),
    )
    assert report.generated_at == CUTOFF_2020  # a finished year is dated by its cut-off
    assert [(d.reference, d.event_id) for d in report.directives.items] == [("05/TB-SXD", "d1")]
    t = report.tasks
    assert (t.total.value, t.cancelled.value) == (9, 1)
    assert [
        (s.value, s.percent)
        for s in (t.done_on_time, t.done_late, t.open_in_deadline, t.open_overdue)
    ] == [(2, 22.2), (1, 11.1), (3, 33.3), (3, 33.3)]
    assert t.done_on_time.event_ids == ["r1-a", "r1-c", "t1-a", "t1-c"]
    assert t.open_overdue.event_ids == ["r2-a", "t3-a", "t8-a"]
    d = report.dissemination
    assert (d.units_total.value, d.units_confirmed.value) == (3, 2)
    assert (d.staff_total.value, d.staff_reached.value) == (32, 22)
    i = report.inspections
    assert (i.inspections.value, i.findings.value, i.resolved.value, i.unresolved.value) == (
        1,
        2,
        1,
        1,
    )
    assert report.signer is not None and report.signer.name == "Đào Vũ Việt"
    assert {s.source for s in report.narrative.values()} == {"drafted"}
    assert report.event_count == 25
    # The offsets covered are the highest positions the consumer read, per partition.
    expected: dict[str, dict[str, int]] = {}
    for r in log.records:
        assert r.topic is not None and r.offset is not None
        part = expected.setdefault(r.topic, {})
        part[str(r.partition)] = max(part.get(str(r.partition), -1), r.offset)
    assert report.offsets == expected
    assert set(expected) == set(TOPICS) - {"chidao.reports.v1"}

    # Before the cut-off, the report is dated by the clock.
    set_clock(service_db, at(2020, 12, 1, 8))
    assert (await svc.annual(AGENCY, 2020)).generated_at == at(2020, 12, 1, 8)


async def test_the_annual_report_of_an_agency_never_seen_is_not_found(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    with pytest.raises(NotFound):
        await svc.annual(OTHER, 2020)
    with pytest.raises(NotFound):
        await svc.docx(OTHER, 2020, LEADER_SGTVT)  # its own, never seen


async def test_docx_is_a_word_document_of_the_agency(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    set_clock(service_db, at(2021, 1, 10))
    await svc.edit_narrative(
        AGENCY, 2020, {"proposals": "Kiến nghị riêng của Văn phòng."}, LEADER_SXD
    )
    data = await svc.docx(AGENCY, 2020, VP_HEAD)

    assert data[:2] == b"PK"  # a zip package, as every .docx
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs] + [
        p.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]
    joined = "\n".join(texts)
    assert "SỞ XÂY DỰNG" in texts  # the agency, bold, in the header block
    assert "UBND TỈNH THANH HÓA" in texts
    assert "BÁO CÁO" in texts
    assert "Kiến nghị riêng của Văn phòng." in joined
    assert "Đào Vũ Việt" in joined


# --- narratives ----------------------------------------------------------------------


async def test_edit_narrative_merges_the_sections_it_is_given(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    first = await svc.edit_narrative(
        AGENCY, 2020, {"overview": "Tổng quan của Văn phòng."}, LEADER_SXD
    )
    assert (first.narrative["overview"].text, first.narrative["overview"].source) == (
        "Tổng quan của Văn phòng.",
        "office",
    )
    assert first.narrative["overview"].title == "I. Đánh giá chung"

    await svc.edit_narrative(AGENCY, 2020, {"proposals": "Không có kiến nghị."}, LEADER_SXD)
    await svc.edit_narrative(AGENCY, 2020, {"overview": "Tổng quan, bản sửa."}, LEADER_SXD)
    n = (await svc.annual(AGENCY, 2020)).narrative
    assert {k: (s.source, s.text) for k, s in n.items() if s.source == "office"} == {
        "overview": ("office", "Tổng quan, bản sửa."),
        "proposals": ("office", "Không có kiến nghị."),
    }
    assert [n[k].source for k in ("results", "limitations", "next_year")] == ["drafted"] * 3
    # Another year of the same agency is its own report.
    other_year = (await svc.annual(AGENCY, 2021)).narrative
    assert {s.source for s in other_year.values()} == {"drafted"}
    assert await service_db.staged() == []  # editing tells no one


async def test_concurrent_edits_of_different_sections_both_survive(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    for year in (2020, 2021, 2022):
        # The first pair races to create the report's narrative, the second to update it.
        await asyncio.gather(
            svc.edit_narrative(AGENCY, year, {"results": f"Kết quả {year}"}, LEADER_SXD),
            svc.edit_narrative(AGENCY, year, {"limitations": f"Hạn chế {year}"}, LEADER_SXD),
        )
        await asyncio.gather(
            svc.edit_narrative(AGENCY, year, {"next_year": f"Phương hướng {year}"}, LEADER_SXD),
            svc.edit_narrative(AGENCY, year, {"proposals": f"Kiến nghị {year}"}, LEADER_SXD),
        )
    for year in (2020, 2021, 2022):
        n = (await svc.annual(AGENCY, year)).narrative
        assert {k: s.text for k, s in n.items() if s.source == "office"} == {
            "results": f"Kết quả {year}",
            "limitations": f"Hạn chế {year}",
            "next_year": f"Phương hướng {year}",
            "proposals": f"Kiến nghị {year}",
        }


async def test_edit_narrative_refuses_an_unknown_section_or_agency_and_stores_nothing(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    with pytest.raises(InvalidField) as caught:
        await svc.edit_narrative(
            AGENCY, 2020, {"overview": "Hợp lệ", "conclusion": "Không"}, LEADER_SXD
        )
    assert caught.value.field == "sections"
    assert {s.source for s in (await svc.annual(AGENCY, 2020)).narrative.values()} == {"drafted"}

    with pytest.raises(NotFound):
        # Its own leader, but no directory of that department has been published.
        await svc.edit_narrative(
            OTHER, 2020, {"overview": "Sở chưa có danh mục đơn vị"}, LEADER_SGTVT
        )
    assert await count_rows(service_db, "narratives") == 0


# --- submissions ---------------------------------------------------------------------


async def test_submit_stages_one_report_submitted_and_a_second_submit_is_a_conflict(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    await svc.edit_narrative(AGENCY, 2020, {"proposals": "Không có kiến nghị."}, LEADER_SXD)
    set_clock(service_db, at(2020, 12, 14, 10))
    event = await svc.submit(AGENCY, 2020, LEADER_SXD)

    assert await service_db.staged() == [event]
    assert (event.agency, event.report_id, event.year, event.province) == (
        AGENCY,
        "sxd-thanhhoa/2020",
        2020,
        "Thanh Hóa",
    )
    assert event.submitted_at == at(2020, 12, 14, 10)
    assert event.on_time is True  # 14/12, the deadline is 15/12
    report = event.report
    assert (report["agency"], report["year"], report["agency_name"]) == (
        AGENCY,
        2020,
        "Sở Xây dựng",
    )
    assert report["tasks"]["total"]["value"] == 9
    assert report["tasks"]["open_overdue"]["value"] == 3
    assert report["narrative"]["proposals"] == {
        "title": "V. Đề xuất, kiến nghị",
        "text": "Không có kiến nghị.",
        "source": "office",
    }
    assert report == (await svc.annual(AGENCY, 2020)).model_dump(mode="json")

    set_clock(service_db, at(2020, 12, 20))
    with pytest.raises(Conflict):
        await svc.submit(AGENCY, 2020, LEADER_SXD)
    assert await service_db.staged() == [event]


async def test_on_time_is_the_local_date_against_the_agencys_own_deadline(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)  # reports before 15/12
    set_clock(service_db, at(2020, 1, 3))
    await log.deliver(svc, other_directory())  # no report duty: 15/12 by default
    snv = "snv-thanhhoa"
    leader_snv = principal("giamdoc.snv", "Lê Văn Thành", Role.LEADER, agency=snv)
    await log.deliver(svc, directory_event(snv))
    by_30_11 = Deadline(kind=DeadlineKind.YEARLY, day=30, month=11, text="trước ngày 30/11")
    content = DirectiveContent(
        doc_type=DocType.PLAN,
        number="03",
        symbol="KH-SNV",
        date=dt.date(2020, 2, 1),
        subject="Kế hoạch thực hiện văn hóa công vụ",
        assignments=(Assignment(lead_unit=ref("VP"), action="Báo cáo kết quả", deadline=by_30_11),),
    )
    await log.deliver(
        svc,
        DirectiveIssued(
            agency=snv,
            directive_id=uuid.UUID(int=77),
            reference="03/KH-SNV",
            content=content,
            issued_at=at(2020, 2, 1),
        ),
    )

    # 23:00 on 15/12 in Hà Nội is still 15/12 (16:00 UTC).
    set_clock(service_db, dt.datetime(2020, 12, 15, 23, 0, tzinfo=VN_TZ))
    assert (await svc.submit(AGENCY, 2020, LEADER_SXD)).on_time is True
    # 00:30 on 16/12 in Hà Nội is late, though still 15/12 in UTC.
    set_clock(service_db, dt.datetime(2020, 12, 16, 0, 30, tzinfo=VN_TZ))
    assert (await svc.submit(OTHER, 2020, LEADER_SGTVT)).on_time is False
    # Its own duty falls due on 30/11: on 01/12 it is late.
    set_clock(service_db, at(2020, 12, 1))
    assert (await svc.submit(snv, 2020, leader_snv)).on_time is False
    staged = await service_db.staged()
    assert [(e.agency, e.on_time) for e in staged if isinstance(e, ReportSubmitted)] == [
        (AGENCY, True),
        (OTHER, False),
        (snv, False),
    ]
    assert len(staged) == 3


async def test_province_rolls_up_the_submissions_it_received(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    set_clock(service_db, at(2020, 1, 3))
    await log.deliver(svc, other_directory())
    set_clock(service_db, at(2020, 12, 10))
    await svc.submit(AGENCY, 2020, LEADER_SXD)
    set_clock(service_db, at(2020, 12, 18))
    await svc.submit(OTHER, 2020, LEADER_SGTVT)
    await loop_back(service_db, svc, log)  # the report.submitted events come back

    view = await svc.province("thanh hoa", 2020, PROVINCE)  # without diacritics or case
    assert [(a["agency"], a["agency_name"], a["on_time"]) for a in view["agencies"]] == [
        (OTHER, "Sở Giao thông vận tải", False),
        (AGENCY, "Sở Xây dựng", True),
    ]
    assert (view["submitted"], view["submitted_on_time"]) == (2, 1)
    t = view["totals"]
    assert (t["tasks_total"], t["done_on_time"], t["done_late"]) == (9, 2, 1)
    assert (t["open_in_deadline"], t["open_overdue"], t["tasks_cancelled"]) == (3, 3, 1)
    assert (t["staff_total"], t["staff_reached"]) == (32, 22)
    assert (t["inspections"], t["findings"], t["findings_resolved"]) == (1, 2, 1)
    assert view["percentages"]["findings_resolved"] == 50.0
    assert (await svc.province("Nghệ An", 2020, PROVINCE_NGHEAN))["submitted"] == 0
    assert (await svc.province("Thanh Hóa", 2021, PROVINCE))["submitted"] == 0


# --- reminders -----------------------------------------------------------------------


async def scan_twice(svc: ReportingService, sdb: ServiceDb, when: dt.datetime) -> tuple[int, int]:
    set_clock(sdb, when)
    return await svc.scan_reminders(), await svc.scan_reminders()


async def test_reminders_30_7_and_1_days_before_and_one_overdue_each_once(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    assert await scan_twice(svc, service_db, at(2020, 11, 14)) == (0, 0)  # 31 days before
    assert await service_db.staged() == []

    moments = [at(2020, 11, 15), at(2020, 12, 8), at(2020, 12, 14), at(2020, 12, 16)]
    for when in moments:
        assert await scan_twice(svc, service_db, when) == (1, 0)
    assert await scan_twice(svc, service_db, at(2020, 12, 17)) == (0, 0)

    assert await service_db.staged() == [
        report_due("reminder", 30, moments[0]),
        report_due("reminder", 7, moments[1]),
        report_due("reminder", 1, moments[2]),
        report_due("overdue", None, moments[3]),
    ]


async def test_the_reminders_query_lists_the_report_due_events_received(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    sent: list[str] = []
    for when in (at(2020, 12, 8), at(2020, 12, 16)):
        set_clock(service_db, when)
        assert await svc.scan_reminders() == 1
        sent += [e.id for e in await service_db.envelopes()]
        await loop_back(service_db, svc, log)

    page = await svc.reminders(AGENCY, VP_HEAD)
    assert page.next_key is None
    listed = page.items
    assert [r["event_id"] for r in listed] == sent
    assert [(r["kind"], r["days_before"], r["due_date"], r["year"]) for r in listed] == [
        ("reminder", 7, "2020-12-15", 2020),
        ("overdue", None, "2020-12-15", 2020),
    ]
    assert {(r["agency"], r["directive_reference"], r["obligation_id"]) for r in listed} == {
        (AGENCY, "05/TB-SXD", str(OBLIGATION))
    }
    assert (await svc.reminders(None, VP_HEAD)).items == listed
    assert (await svc.reminders(OTHER, LEADER_SGTVT)).items == []
    assert (await svc.reminders(None, LEADER_SGTVT)).items == []
    # One at a time: the cursor of the first page leads to the second, and no further.
    first = await svc.reminders(AGENCY, VP_HEAD, PageRequest(limit=1))
    assert first.items == listed[:1] and first.next_key is not None
    second = await svc.reminders(
        AGENCY, VP_HEAD, PageRequest(limit=1, cursor=encode_cursor(first.next_key))
    )
    assert (second.items, second.next_key) == (listed[1:], None)


async def test_a_clock_jump_sends_only_the_reminder_nearest_the_deadline(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    assert await scan_twice(svc, service_db, at(2020, 12, 10)) == (1, 0)  # past 30 and 7
    assert await scan_twice(svc, service_db, at(2020, 12, 14)) == (1, 0)
    assert await service_db.staged() == [
        report_due("reminder", 7, at(2020, 12, 10)),
        report_due("reminder", 1, at(2020, 12, 14)),
    ]


async def test_no_reminders_once_the_submission_is_received(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    assert await scan_twice(svc, service_db, at(2020, 11, 15)) == (1, 0)
    set_clock(service_db, at(2020, 11, 20))
    await svc.submit(AGENCY, 2020, LEADER_SXD)
    await loop_back(service_db, svc, log)

    for when in (at(2020, 12, 8), at(2020, 12, 14), at(2020, 12, 16)):
        assert await scan_twice(svc, service_db, when) == (0, 0)
    assert await service_db.staged() == []


async def test_no_reminders_right_after_submit_before_the_event_comes_back(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    """The submission is final when `submit` returns (the `submissions` row is written
    with the outbox row); a scan running before Kafka brings `report.submitted` back
    must not remind of, or call overdue, a report already submitted."""
    await feed_seed_directive(service_db, svc, log)
    set_clock(service_db, at(2020, 12, 8, 8))
    await svc.submit(AGENCY, 2020, LEADER_SXD)
    await service_db.forget_staged()

    for when in (at(2020, 12, 8, 9), at(2020, 12, 16)):
        assert await scan_twice(svc, service_db, when) == (0, 0)
    assert await service_db.staged() == []


async def test_a_revoked_directive_has_no_reminders(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    set_clock(service_db, at(2020, 6, 1))
    revoked = DirectiveRevoked(
        agency=AGENCY,
        directive_id=D1,
        reference="05/TB-SXD",
        reason="Thay thế",
        revoked_at=at(2020, 6, 1),
    )
    await log.deliver(svc, revoked)
    assert await scan_twice(svc, service_db, at(2020, 12, 8)) == (0, 0)
    assert await service_db.staged() == []


# --- rebuild -------------------------------------------------------------------------


async def test_rebuild_empties_the_read_model_and_refills_it_to_the_same_report(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    await svc.edit_narrative(AGENCY, 2020, {"overview": "Văn phòng viết lại phần này."}, LEADER_SXD)
    set_clock(service_db, at(2021, 1, 10))
    before = json.dumps((await svc.annual(AGENCY, 2020)).model_dump(mode="json"))
    ids_before = sorted(f.event_id for f in await svc.facts())

    assert await svc.rebuild() == {"replayed": 25, "facts": 25}
    assert log.topics_asked == [TOPICS]
    assert log.facts_when_replay_started == [0]  # the read model was emptied first
    assert sorted(f.event_id for f in await svc.facts()) == ids_before
    after = await svc.annual(AGENCY, 2020)
    assert json.dumps(after.model_dump(mode="json")) == before  # byte for byte
    assert after.narrative["overview"].text == "Văn phòng viết lại phần này."  # kept
    assert await service_db.staged() == []


async def test_a_rebuild_stores_once_an_event_logged_twice_or_stored_live_meanwhile(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    """The batches that hold a known event id take the rebuild's slower path (the
    straight COPY fails on the key): the facts, their counts and offsets and the
    report are those of a read model that got each event once."""
    await feed_year(service_db, svc, log)
    set_clock(service_db, at(2021, 1, 10))
    before = json.dumps((await svc.annual(AGENCY, 2020)).model_dump(mode="json"))
    ids_before = sorted(f.event_id for f in await svc.facts())
    async with service_db.db.sessions() as session:
        positions_before = await repo.positions(session, AGENCY)
    # The relay sent one event again (a retry after a lost acknowledgement): the log
    # holds it at a later offset too, in the batch after the first copy's.
    again = log.records[0]
    last = max(r.offset or 0 for r in log.records if r.topic == again.topic)
    log.records.append(replace(again, offset=last + 1))
    replay = log.replay

    async def replay_beside_the_live_consumer(topics: Sequence[str], sink: Sink) -> int:
        async def stored_live_first(envelopes: list[Envelope]) -> None:
            # The live consumer, still running, stores one of the batch's events first.
            async with service_db.db.transaction() as session:
                await svc.on_event(session, envelopes[-1])
            await sink(envelopes)

        return await replay(topics, stored_live_first)

    svc.replay = replay_beside_the_live_consumer
    assert await svc.rebuild() == {"replayed": 26, "facts": 25}
    assert sorted(f.event_id for f in await svc.facts()) == ids_before
    async with service_db.db.sessions() as session:
        assert await repo.positions(session, AGENCY) == positions_before
    assert json.dumps((await svc.annual(AGENCY, 2020)).model_dump(mode="json")) == before


async def test_a_rebuild_replaces_facts_not_in_the_log_and_resends_no_reminder(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_seed_directive(service_db, svc, log)
    set_clock(service_db, at(2020, 12, 8))
    assert await svc.scan_reminders() == 1
    await loop_back(service_db, svc, log)
    # A fact the log no longer holds (say, from a topic since recreated) goes away.
    await deliver(service_db, svc.event_handlers(), other_directory(), CONSUMER)
    assert len(await svc.facts()) == 4

    assert await svc.rebuild() == {"replayed": 3, "facts": 3}
    assert [f.event_id for f in await svc.facts()] == [r.id for r in log.records]
    assert len((await svc.reminders(AGENCY, VP_HEAD)).items) == 1
    assert await scan_twice(svc, service_db, at(2020, 12, 9)) == (0, 0)
    assert await service_db.staged() == []


# --- directory versions: a year's report keeps that year's names ---------------------------


def directory_2025() -> OrgDirectoryPublished:
    """The 2025 version, published after 2020: a division renamed, one merged away."""
    renamed = Unit(code="KHTC", name="Phòng Kế hoạch, Tài chính và Hạ tầng", kind=UnitKind.DIVISION)
    units = tuple(renamed if u.code == "KHTC" else u for u in UNITS if u.code != "QLHDXD")
    return directory_event().model_copy(update={"units": units, "valid_from": dt.date(2025, 3, 1)})


async def test_a_2020_report_keeps_the_2020_names_after_the_2025_directory_is_published(
    svc: ReportingService, service_db: ServiceDb, log: KafkaLog
) -> None:
    await feed_year(service_db, svc, log)
    set_clock(service_db, at(2025, 3, 1))
    await log.deliver(svc, directory_2025())
    set_clock(service_db, at(2026, 1, 10))

    # Today the agency is read from its newest version...
    today = await svc.agency(AGENCY)
    assert today.units == directory_2025().units
    # ...but the 2020 report lists the units, and their names, of 2020.
    report = await svc.annual(AGENCY, 2020)
    rows = {r.code: r.name for r in report.units}
    assert rows["KHTC"] == "Phòng Kế hoạch - Tài chính"
    assert rows["QLHDXD"] == "Phòng Quản lý hoạt động xây dựng"
    assert report.tasks.total.value == 9
    # A report of 2025 is read with the 2025 version.
    rows_2025 = {r.code: r.name for r in (await svc.annual(AGENCY, 2025)).units}
    assert rows_2025["KHTC"] == "Phòng Kế hoạch, Tài chính và Hạ tầng"
    assert "QLHDXD" not in rows_2025
