"""A report reads its agency-year, not the read model's history, and says the same.

The hand-built 2020 of Sở Xây dựng Thanh Hóa is delivered together with its copies
moved to 2018, 2019 and 2021 (new ids, so other directives, tasks and inspections of
the same scheme) and a copy of 2020 for another department. For every year, the report
the service builds from its indexed selection (`repository.load_year`) must equal the
pure function applied to every fact the read model holds.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest

from services.reporting.adapters import repository as repo
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.facts import Fact
from services.reporting.domain.periods import year_period
from services.reporting.handlers import ReportingService
from shared.clock import VN_TZ
from shared.contracts.events import EVENTS_BY_TYPE
from tests.service.conftest import ServiceDb
from tests.service.test_reporting_service import (  # noqa: F401 (the module's database)
    CONSUMER,
    METADATA,
    OTHER,
    SERVICE,
    TOPICS,
    KafkaLog,
    feed,
)
from tests.unit.test_reporting_fixtures import AGENCY, year_2020

_ISO_DAY = re.compile(r"^(\d{4})(-\d{2}-\d{2}.*)$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _moved(value: Any, years: int, salt: str) -> Any:
    """Dates moved by whole years, ids renamed: the same story, another time."""
    if isinstance(value, dict):
        return {k: _moved(v, years, salt) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, years, salt) for v in value]
    if isinstance(value, str):
        if _UUID.match(value):
            return str(uuid.uuid5(uuid.UUID(value), salt))
        if m := _ISO_DAY.match(value):
            return f"{int(m.group(1)) + years}{m.group(2)}"
    return value


def copy_of(facts: list[Fact], years: int, agency: str = AGENCY) -> list[Fact]:
    salt = f"{agency}/{years}"
    out = []
    for f in facts:
        body = _moved(f.event.model_dump(mode="json"), years, salt) | {"agency": agency}
        event = EVENTS_BY_TYPE[f.ce_type].model_validate(body)
        time = f.time.replace(year=f.time.year + years)
        out.append(Fact(f"{f.event_id}@{salt}", f.ce_type, f.topic, 0, 0, time, event))
    return out


@pytest.mark.parametrize("year", [2019, 2020, 2021])
async def test_the_report_of_a_year_equals_the_report_of_every_fact(
    service_db: ServiceDb, year: int
) -> None:
    log = KafkaLog(service_db)
    svc = ReportingService(service_db.db, service_db.outbox, service_db.clock, log.replay)
    story = year_2020().facts
    history = [*story, *copy_of(story, -2), *copy_of(story, -1), *copy_of(story, 1)]
    # Another department's directory keeps its own agency code (copy_of sets it).
    await feed(service_db, svc, log, [*history, *copy_of(story, 0, OTHER)])
    service_db.clock.set(dt.datetime(2022, 1, 10, 9, tzinfo=VN_TZ), frozen=True)

    report = await svc.annual(AGENCY, year)

    async with service_db.db.sessions() as session:
        everything = await repo.load(session)
        selected = await repo.load_year(session, AGENCY, year_period(year))
    expected = build_annual_report(
        await svc.agency(AGENCY), year, everything, {}, year_period(year).cutoff
    )
    mine = [f for f in everything if f.event.agency == AGENCY]
    assert len(selected) < len(mine) / 2  # it did not read the other years
    assert report.tasks.total.value > 0
    skip = {"offsets", "event_count"}
    assert report.model_dump(exclude=skip) == expected.model_dump(exclude=skip)
    # It still tells how many of the agency's events the read model holds.
    assert report.event_count == len(mine)
