"""The service tier: handlers on a real PostgreSQL, no Kafka, no subprocesses.

One embedded PostgreSQL per test session (its own folder and free port, so sessions
running side by side do not meet), each service's database migrated by its own
Alembic migrations, every table emptied before each test. A test calls a handler the
way the HTTP route or the consumer does and asserts what it left: the rows, and the
events staged in the outbox, which is exactly what the relay would publish.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import MetaData, func, select, text

from chidao.stack import postgres
from chidao.stack.paths import StatePaths
from shared import migrations
from shared.auth import Principal, Role
from shared.clock import Clock
from shared.contracts.envelope import Envelope, decode_headers, read_envelope
from shared.contracts.events import Event
from shared.db import Database
from shared.messaging.handlers import EventHandlers
from shared.messaging.inbox import first_delivery
from shared.messaging.outbox import Outbox
from shared.messaging.testing import as_record
from shared.settings import REPO_ROOT
from tests.ports import free_port

SERVICES = ("directives", "tasks", "inspections", "reporting")
START = dt.datetime(2020, 4, 20, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội, 20/04/2020

# --- who acts: the users of the demo realm (stack/keycloak/chidao-realm.json) -----------

SXD = "sxd-thanhhoa"
SGTVT = "sgtvt-thanhhoa"
_SUBJECTS = uuid.UUID("0b6f2d7e-3c1a-4e58-9a0d-6c2f4b8e1d37")


def principal(
    username: str,
    name: str,
    role: Role,
    *,
    agency: str | None = None,
    unit: str | None = None,
    province: str | None = None,
) -> Principal:
    """A signed-in user as `principal_from_claims` makes it: the subject is stable (a
    uuid5 of the username, as Keycloak's would be once the user exists), the name is
    written family name first."""
    return Principal(
        subject=str(uuid.uuid5(_SUBJECTS, username)),
        username=username,
        name=name,
        agency=agency,
        unit=unit,
        roles=frozenset({role}),
        province=province,
    )


CLERK_SXD = principal("vanthu.sxd", "Lê Thị Hoa", Role.CLERK, agency=SXD)
LEADER_SXD = principal("giamdoc.sxd", "Trần Quốc Hùng", Role.LEADER, agency=SXD)
VP_HEAD = principal("vanphong.sxd", "Nguyễn Thị Lan", Role.UNIT_HEAD, agency=SXD, unit="VP")
KHTC_HEAD = principal("khtc.sxd", "Phạm Văn Minh", Role.UNIT_HEAD, agency=SXD, unit="KHTC")
INSPECTOR_SXD = principal("thanhtra.sxd", "Hoàng Văn Dũng", Role.INSPECTOR, agency=SXD, unit="TTr")
CLERK_SGTVT = principal("vanthu.sgtvt", "Đỗ Thị Mai", Role.CLERK, agency=SGTVT)
LEADER_SGTVT = principal("giamdoc.sgtvt", "Vũ Đức Sơn", Role.LEADER, agency=SGTVT)
PROVINCE = principal("snv", "Sở Nội vụ", Role.PROVINCE_READER, province="Thanh Hóa")
OPERATOR = principal("vanhanh", "Tổ Vận hành", Role.OPERATOR)

# Not in the demo realm: the other roles and units the tests need.
VP_STAFF = principal("canbo.vp.sxd", "Bùi Thị Thu", Role.UNIT_STAFF, agency=SXD, unit="VP")
QLHDXD_HEAD = principal("qlhdxd.sxd", "Đặng Văn Long", Role.UNIT_HEAD, agency=SXD, unit="QLHDXD")
# The same unit code in the other department: the code alone must not let it act here.
VP_HEAD_SGTVT = principal("vanphong.sgtvt", "Ngô Thị Hằng", Role.UNIT_HEAD, agency=SGTVT, unit="VP")
INSPECTOR_SGTVT = principal(
    "thanhtra.sgtvt", "Lý Văn Tâm", Role.INSPECTOR, agency=SGTVT, unit="TTr"
)
PROVINCE_NGHEAN = principal(
    "snv.nghean", "Sở Nội vụ Nghệ An", Role.PROVINCE_READER, province="Nghệ An"
)


@pytest.fixture(scope="session")
def pg() -> Iterator[postgres.PgSettings]:
    """A PostgreSQL server of this session's own; it fails the session when it cannot
    start (never a skip)."""
    root = REPO_ROOT / ".state" / f"service-tests-{uuid.uuid4().hex[:8]}"
    paths = StatePaths(root)
    settings = postgres.PgSettings(port=free_port(), databases=SERVICES)
    postgres.start(paths, settings)
    for service in SERVICES:
        migrations.upgrade(REPO_ROOT / "services" / service / "migrations", settings.url(service))
    try:
        yield settings
    finally:
        postgres.stop(paths)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class ServiceDb:
    """One service's database as its handlers see it, plus what a test asserts on."""

    db: Database
    metadata: MetaData
    clock: Clock
    outbox: Outbox

    async def staged(self) -> list[Event]:
        """The events in the outbox, oldest first, read back as the relay sends them."""
        return [e.event for e in await self.envelopes()]

    async def envelopes(self) -> list[Envelope]:
        table = self.metadata.tables["outbox"]
        async with self.db.sessions() as session:
            rows = (await session.execute(select(table).order_by(table.c.id))).mappings().all()
        out = []
        for r in rows:
            headers = r["headers"]
            if isinstance(headers, str):
                headers = json.loads(headers)
            out.append(read_envelope(dict(headers), bytes(r["value"])))
        return out

    def move_clock(self, when: dt.datetime) -> None:
        self.clock.set(when, frozen=True)

    async def handled(self) -> int:
        """Rows in the inbox: the envelopes the consumer has handled."""
        inbox = self.metadata.tables["inbox"]
        async with self.db.sessions() as session:
            query = select(func.count()).select_from(inbox)
            count: int = (await session.execute(query)).scalar_one()
        return count

    async def forget_staged(self) -> None:
        """Empty the outbox, so the next assertion sees only what follows."""
        async with self.db.transaction() as session:
            await session.execute(self.metadata.tables["outbox"].delete())


@pytest.fixture
async def service_db(
    pg: postgres.PgSettings, request: pytest.FixtureRequest
) -> AsyncIterator[ServiceDb]:
    """The database of the service named by the test module's `SERVICE`, emptied."""
    service: str = request.module.SERVICE
    metadata: MetaData = request.module.METADATA
    db = Database(pg.url(service))
    try:
        yield await emptied(db, service, metadata)
    finally:
        await db.dispose()


async def emptied(db: Database, service: str, metadata: MetaData) -> ServiceDb:
    """The service's database with every table emptied, and a clock frozen at START."""
    async with db.transaction() as session:
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        await session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    clock = Clock(START, frozen=True)
    return ServiceDb(db, metadata, clock, Outbox(metadata.tables["outbox"], service, clock))


_offsets = iter(range(1, 10**9))


async def deliver(
    sdb: ServiceDb, handlers: EventHandlers, event: Event, consumer: str, *, envelope_id: str = ""
) -> Envelope:
    """Deliver an event as the consumer does: the envelope read back from the record's
    bytes, the handler and the inbox row in one transaction. Returns the envelope, so a
    test can deliver the very same one again (a redelivery)."""
    sent = Envelope(event=event, source="chidao/service-tests", time=sdb.clock.now())
    if envelope_id:
        sent = replace(sent, id=envelope_id)
    await redeliver(sdb, handlers, sent, consumer)
    return sent


async def redeliver(sdb: ServiceDb, handlers: EventHandlers, sent: Envelope, consumer: str) -> None:
    record = as_record(sent, offset=next(_offsets))
    envelope = replace(
        read_envelope(decode_headers(record.headers), record.value),
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
    )
    handler = handlers.get(type(envelope.event))
    assert handler is not None, f"no handler for {type(envelope.event).__name__}"
    async with sdb.db.transaction() as session:
        if await first_delivery(
            session,
            sdb.metadata.tables["inbox"],
            consumer=consumer,
            event_id=envelope.id,
            event_type=envelope.type,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
        ):
            await handler(session, envelope)
