"""A report reads its agency-year, not the read model's history, and says the same.

The hand-built 2020 of Sở Xây dựng Thanh Hóa is delivered together with its copies
moved to 2018, 2019 and 2021 (new ids, so other directives, tasks and inspections of
the same scheme) and a copy of 2020 for another department. For every year, the report
the service builds from its indexed selection (`repository.load_year`) must equal the
pure function applied to every fact the read model holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from typing import Any

import asyncpg
import pytest
from alembic import command
from sqlalchemy import select

from chidao.stack import postgres
from services.reporting.adapters import repository as repo
from services.reporting.adapters.tables import facts
from services.reporting.app import MIGRATIONS
from services.reporting.domain.annual import build_annual_report
from services.reporting.domain.fact_keys import fact_keys
from services.reporting.domain.facts import Fact
from services.reporting.domain.periods import year_period
from services.reporting.handlers import ReportingService
from shared import migrations
from shared.clock import VN_TZ
from shared.contracts.events import EVENTS_BY_TYPE
from shared.db import asyncpg_dsn
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
from tests.unit.test_reporting_fixtures import AGENCY, REPORT_ACTION, year_2020
from tests.unit.test_reporting_lineage import linked_to_plan, plan_fact

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


async def test_the_report_names_the_upper_directive_from_its_selection_too(
    service_db: ServiceDb,
) -> None:
    """The plan of UBND tỉnh its scheme directives implement is another agency's fact:
    the selection fetches it by id, and the report still equals the pure function."""
    log = KafkaLog(service_db)
    svc = ReportingService(service_db.db, service_db.outbox, service_db.clock, log.replay)
    story = linked_to_plan(year_2020().facts, plan_fact())
    # Another province plan, not cited: the selection must leave it out.
    unrelated = plan_fact(uuid.UUID(int=7), "plan-other")
    await feed(service_db, svc, log, [*story, unrelated, *copy_of(story, 1)])
    service_db.clock.set(dt.datetime(2021, 1, 10, 9, tzinfo=VN_TZ), frozen=True)

    report = await svc.annual(AGENCY, 2020)

    async with service_db.db.sessions() as session:
        everything = await repo.load(session)
        selected = await repo.load_year(session, AGENCY, year_period(2020))
    expected = build_annual_report(
        await svc.agency(AGENCY), 2020, everything, {}, year_period(2020).cutoff
    )
    skip = {"offsets", "event_count"}
    assert report.model_dump(exclude=skip) == expected.model_dump(exclude=skip)
    assert [u.reference for u in report.implements] == ["84/KH-UBND"]
    assert "plan-84" in {f.event_id for f in selected}
    assert "plan-other" not in {f.event_id for f in selected}


async def test_the_migration_fills_in_the_keys_of_existing_facts(
    pg: postgres.PgSettings, service_db: ServiceDb
) -> None:
    """Facts stored before the selection keys existed get them from migration 0003,
    with the reporting duty and its revocation, as a rebuild would compute them."""
    url = pg.url(SERVICE)
    cfg = migrations.alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.downgrade, cfg, "0002")
    story = year_2020().facts
    directive = next(f for f in story if f.ce_type == "chidao.directive.issued.v1")
    task = next(f for f in story if f.ce_type == "chidao.task.assigned.v1")
    try:
        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            for n, f in enumerate((directive, task)):
                await conn.execute(
                    'INSERT INTO facts (event_id, agency, ce_type, topic, partition, "offset", '
                    "time, payload) VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
                    f.event_id,
                    f.event.agency,
                    f.ce_type,
                    f.topic,
                    n,
                    f.time,
                    f.event.model_dump_json(),
                )
        finally:
            await conn.close()
    finally:
        await asyncio.to_thread(command.upgrade, cfg, "head")

    async with service_db.db.sessions() as session:
        rows = {r["event_id"]: r for r in (await session.execute(select(facts))).mappings()}
        duties = await repo.obligations_in_force(session, agency=AGENCY)
        offsets, held = await repo.positions(session, AGENCY)
    keys = fact_keys(task.event, task.time)
    assert rows[task.event_id]["subject_id"] == keys.subject_id
    assert rows[task.event_id]["at"] == keys.at
    assert rows[directive.event_id]["scheme"] and rows[directive.event_id]["obligations"]
    assert [o.title for o, _, _ in duties] == [REPORT_ACTION]
    assert (held, offsets[task.topic][0]) == (2, 1)
