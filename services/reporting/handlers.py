"""Handlers of the reporting service: every public event becomes a fact; reports,
reminders, submissions and the province view are computed from the facts."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.reporting.adapters import facts_repo, replay
from services.reporting.adapters.tables import narratives
from services.reporting.domain.facts import AgencyInfo, Fact
from shared.clock import Clock
from shared.contracts.envelope import Envelope
from shared.contracts.events import ALL_EVENTS, PUBLIC_TOPICS, Event, OrgDirectoryPublished
from shared.db import Database
from shared.http import NotFound
from shared.messaging.outbox import Outbox

log = logging.getLogger(__name__)

CONSUMER = "reporting"


class ReportingStore:
    """The read model and what is kept beside it."""

    def __init__(self, db: Database, outbox: Outbox, clock: Clock, bootstrap: str) -> None:
        self.db = db
        self.outbox = outbox
        self.clock = clock
        self.bootstrap = bootstrap

    async def on_event(self, session: AsyncSession, envelope: Envelope) -> None:
        await facts_repo.add(session, [facts_repo.fact_row(envelope)])

    def event_handlers(
        self,
    ) -> dict[type[Event], Callable[[AsyncSession, Envelope], Awaitable[None]]]:
        return dict.fromkeys(ALL_EVENTS, self.on_event)

    async def rebuild(self) -> dict[str, int]:
        """Drop the read model and replay every public topic into it."""
        async with self.db.transaction() as session:
            await facts_repo.drop_read_model(session, CONSUMER)

        async def sink(rows: list[dict[str, Any]]) -> None:
            async with self.db.transaction() as session:
                await facts_repo.add(session, rows)

        replayed = await replay.replay(self.bootstrap, PUBLIC_TOPICS, facts_repo.fact_row, sink)
        async with self.db.sessions() as session:
            stored = await facts_repo.count(session)
        log.info("read model rebuilt: %d events replayed, %d facts", replayed, stored)
        return {"replayed": replayed, "facts": stored}

    async def agency(self, code: str) -> AgencyInfo:
        async with self.db.sessions() as session:
            found = await facts_repo.load(
                session, agency=code, types=[OrgDirectoryPublished.ce_type]
            )
        if not found:
            raise NotFound(f"no unit directory of agency {code!r} has been published")
        event = found[-1].event
        assert isinstance(event, OrgDirectoryPublished)
        return AgencyInfo(
            event.agency, event.agency_name, event.short_name, event.province, event.units
        )

    async def facts(self, agency: str | None = None, types: tuple[str, ...] = ()) -> list[Fact]:
        async with self.db.sessions() as session:
            return await facts_repo.load(session, agency=agency, types=types)

    async def offsets(self) -> dict[str, dict[int, int]]:
        async with self.db.sessions() as session:
            return await facts_repo.offsets(session)

    async def narrative(self, agency: str, year: int) -> dict[str, str]:
        async with self.db.sessions() as session:
            sections = await session.scalar(
                select(narratives.c.sections)
                .where(narratives.c.agency == agency)
                .where(narratives.c.year == year)
            )
        return dict(sections or {})

    async def edit_narrative(self, agency: str, year: int, sections: Mapping[str, str]) -> None:
        merged = {**await self.narrative(agency, year), **sections}
        async with self.db.transaction() as session:
            await session.execute(
                insert(narratives)
                .values(agency=agency, year=year, sections=merged, updated_at=self.clock.now())
                .on_conflict_do_update(
                    index_elements=["agency", "year"],
                    set_={"sections": merged, "updated_at": self.clock.now()},
                )
            )

    def now(self) -> dt.datetime:
        return self.clock.now()
