"""Years of history for the reporting benchmarks, written straight into the read model.

The facts are what the consumer would have stored (the same columns, keys from
`fact_keys`), generated in batches and COPYed in, so a million of them take seconds
to write and never sit in memory together.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg

from services.reporting.adapters.repository import FACT_COLUMNS, fact_record
from services.reporting.domain.facts import Fact
from shared.clock import VN_TZ
from shared.contracts.envelope import Envelope
from shared.contracts.events import (
    EVENTS_BY_TYPE,
    DirectiveIssued,
    Event,
    ReportSubmitted,
    TaskAssigned,
    TaskProgressReported,
)
from shared.contracts.values import Assignment, Deadline, DeadlineKind, UnitRef
from tests.unit import test_reporting_fixtures as fixtures

AGENCY = fixtures.AGENCY
REPORT_ACTION = fixtures.REPORT_ACTION
YEAR = 2020
OTHER_YEARS = [y for y in range(2001, 2031) if y != YEAR]
DEPARTMENTS = 50
BATCH = 20_000


def record(event: Event, event_id: str, time: dt.datetime, offset: int) -> tuple[Any, ...]:
    envelope = Envelope(
        event=event,
        source="chidao/bench",
        time=time,
        id=event_id,
        topic=event.topic,
        partition=0,
        offset=offset,
    )
    return fact_record(envelope)


def year_story() -> list[Fact]:
    """The agency's 2020 (the hand-built year of the reporting tests)."""
    return fixtures.year_2020().facts


def story_records(facts: list[Fact], agency: str = AGENCY, years: int = 0) -> list[tuple[Any, ...]]:
    out = []
    for n, f in enumerate(facts):
        event = f.event.model_copy(update={"agency": agency})
        time = f.time.replace(year=f.time.year + years)
        out.append(record(event, f"{f.event_id}@{agency}/{years}", time, n))
    return out


def _scheme_directive(agency: str, year: int, n: int) -> DirectiveIssued:
    """A directive of the scheme in another year, with a yearly report duty."""
    template = next(f.event for f in year_story() if isinstance(f.event, DirectiveIssued))
    assert isinstance(template, DirectiveIssued)
    content = template.content.model_copy(update={"date": dt.date(year, 4, 20)})
    return template.model_copy(
        update={
            "agency": agency,
            "directive_id": uuid.uuid5(uuid.NAMESPACE_URL, f"{agency}/{year}/{n}"),
            "issued_at": dt.datetime(year, 4, 20, 9, tzinfo=VN_TZ),
            "content": content,
        }
    )


def _plain_directive(agency: str, year: int, n: int, reporting: bool) -> DirectiveIssued:
    base = _scheme_directive(agency, year, n)
    duty = Assignment(
        lead_unit=UnitRef(code="VP", name="Văn phòng Sở"),
        action=REPORT_ACTION if reporting else "Rà soát hồ sơ thủ tục hành chính",
        deadline=Deadline(kind=DeadlineKind.YEARLY, month=12, day=15, text="trước 15/12 hằng năm")
        if reporting
        else Deadline.none(),
    )
    content = base.content.model_copy(
        update={"subject": f"Văn bản {n} năm {year}", "references": (), "assignments": (duty,)}
    )
    return base.model_copy(update={"content": content})


def history(
    agency_facts: int, other_facts: int, directives: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of facts: `agency_facts` of the agency in other years (its scheme
    directives, their tasks and a stream of progress reports), `other_facts` of 49 other
    departments, and `directives` directives (one in ten with a yearly report duty)."""
    offset = 1_000_000
    batch: list[tuple[Any, ...]] = []

    def add(event: Event, event_id: str, time: dt.datetime) -> Iterator[list[tuple[Any, ...]]]:
        nonlocal offset, batch
        offset += 1
        batch.append(record(event, event_id, time, offset))
        if len(batch) >= BATCH:
            yield batch
            batch = []

    agencies = [AGENCY] * 1 + [f"bench-so-{i:02d}" for i in range(1, DEPARTMENTS)]
    for n in range(directives):
        agency = agencies[n % len(agencies)]
        year = OTHER_YEARS[n % len(OTHER_YEARS)]
        event = _plain_directive(agency, year, n, reporting=n % 10 == 0)
        yield from add(event, f"dir-{n}", event.issued_at)
    for year in OTHER_YEARS:
        scheme = _scheme_directive(AGENCY, year, 0)
        yield from add(scheme, f"scheme-{year}", scheme.issued_at)
    # The bulk: progress reports and assignments of tasks, written as the consumer
    # would store them, the payload and keys filled in directly (a pydantic model per
    # row would make the history slower to write than the benchmark is to run).
    units = {"code": "VP", "name": "Văn phòng Sở"}
    for n in range(agency_facts + other_facts):
        agency = AGENCY if n < agency_facts else agencies[1 + n % (len(agencies) - 1)]
        year = OTHER_YEARS[n % len(OTHER_YEARS)] if agency == AGENCY else YEAR
        when = dt.datetime(year, 1 + n % 12, 1 + n % 28, 9, tzinfo=VN_TZ)
        task_id, directive_id = uuid.UUID(int=n + 1), uuid.UUID(int=10**12 + n // 8)
        body: dict[str, Any] = {
            "agency": agency,
            "actor": None,
            "task_id": str(task_id),
            "directive_id": str(directive_id),
            "violation_id": None,
            "lead_unit": units,
            "at": when.isoformat(),
        }
        if n % 5 == 0:
            ce_type = TaskAssigned.ce_type
            body |= {"action": "Thực hiện nhiệm vụ", "deadline": {"kind": "none"}}
        else:
            ce_type = TaskProgressReported.ce_type
            body |= {"percent": n % 100, "note": "Đang thực hiện"}
        offset += 1
        batch.append(
            (
                f"h-{n}",
                agency,
                ce_type,
                TaskAssigned.topic,
                0,
                offset,
                when,
                json.dumps(body, ensure_ascii=False),
                task_id,
                directive_id,
                None,
                None,
                when,
                None,
                False,
                False,
            )
        )
        if n < 2:
            _check(batch[-1])
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _check(written: tuple[Any, ...]) -> None:
    """A row written by hand is the row the service would have written."""
    event = EVENTS_BY_TYPE[written[2]].model_validate_json(written[7])
    expected = record(event, written[0], written[6], written[5])
    assert expected[:7] + expected[8:] == written[:7] + written[8:], (expected, written)


def submissions(report: dict[str, Any], province: str) -> list[tuple[Any, ...]]:
    """Every department's submitted report, for the seed's year and every other."""
    out: list[tuple[Any, ...]] = []
    agencies = [AGENCY] + [f"bench-so-{i:02d}" for i in range(1, DEPARTMENTS)]
    for year in [YEAR, *OTHER_YEARS]:
        for n, agency in enumerate(agencies):
            if agency == AGENCY and year == YEAR:
                continue  # its own is what the leader submits
            at = dt.datetime(year, 12, 10 + n % 5, 9, tzinfo=VN_TZ)
            event = ReportSubmitted(
                agency=agency,
                report_id=f"{agency}/{year}",
                year=year,
                province=province,
                submitted_at=at,
                on_time=n % 7 != 0,
                report=report | {"agency": agency, "year": year},
            )
            out.append(record(event, f"sub-{agency}-{year}", at, 2_000_000 + len(out)))
    return out


async def copy_batches(conn: asyncpg.Connection, batches: Iterator[list[tuple[Any, ...]]]) -> int:
    """COPY the facts in and count them in fact_positions, as the service would."""
    total = 0
    for batch in batches:
        await conn.copy_records_to_table("facts", records=batch, columns=FACT_COLUMNS)
        total += len(batch)
    await conn.execute("TRUNCATE fact_positions")
    await conn.execute(
        "INSERT INTO fact_positions (agency, topic, partition, max_offset, facts) "
        'SELECT agency, topic, partition, max("offset"), count(*) FROM facts '
        "GROUP BY agency, topic, partition"
    )
    return total
